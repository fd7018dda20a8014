import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { buildMetadata, collectSample } from '../../src/agent/collect.js';
import { serializeMetadata, SERVICES_LINE, type NodeMetadata } from '../../src/agent/metadata.js';
import { metadataProblems } from '../../src/agent/schema.js';
import { readLabels } from '../../src/agent/labels.js';
import { writeMetadata } from '../../src/agent/store.js';
import { runCli } from '../helpers/cli.js';
import { readValid, tempHome } from './helpers.js';

describe('metadata document', () => {
  test('a collected sample validates against the schema and has the fields discovery needs', async () => {
    const meta = buildMetadata(await collectSample(), { zone: 'lab' }, { web: { installedAt: '2024-01-01T00:00:00Z' } }, { version: '0.1.0', intervalSeconds: 5 });
    expect(metadataProblems(meta)).toEqual([]);
    expect(meta.cpu!.cores).toBeGreaterThan(0);
    expect(meta.memory!.totalBytes).toBeGreaterThan(meta.memory!.availableBytes);
    expect(meta.arch).toMatch(/^(x86_64|aarch64|armv\dl?|i\d86|riscv64|ppc64le|s390x)$/);
    expect(meta.temperatureC === null || typeof meta.temperatureC === 'number').toBe(true);
    expect(JSON.parse(serializeMetadata(meta))).toEqual(meta);
  });

  test('write time: one locked, fsynced, atomic write; one sample after the first', async () => {
    const home = tempHome('timing');
    const sample = await collectSample();
    const t0 = performance.now();
    await collectSample();
    const sampleMs = performance.now() - t0;
    const t1 = performance.now();
    for (let i = 0; i < 20; i++) await writeMetadata(join(home, 'meta-data.json'), (s) => buildMetadata(sample, {}, s, { version: 't', intervalSeconds: 5 }));
    const writeMs = (performance.now() - t1) / 20;
    readValid(join(home, 'meta-data.json'));
    console.log(`agent: a sample takes ${sampleMs.toFixed(1)} ms (the first 0.5 s more: CPU usage is measured over 0.5 s), a write ${writeMs.toFixed(1)} ms`);
    expect(writeMs).toBeLessThan(200);
  });

  test('the schema rejects what it should', () => {
    const ok: NodeMetadata = { schemaVersion: 1, updatedAt: '2024-01-01T00:00:00Z', services: {} };
    expect(metadataProblems(ok)).toEqual([]);
    expect(metadataProblems({ ...ok, updatedAt: 'yesterday' }).join()).toMatch(/updatedAt/);
    expect(metadataProblems({ ...ok, schemaVersion: 2 }).join()).toMatch(/schemaVersion/);
    expect(metadataProblems({ ...ok, services: { 'a b': { installedAt: 'x' } } }).join()).toMatch(/services/);
    // An agent's file must carry every agent field.
    expect(metadataProblems({ ...ok, agent: { version: '1', pid: 1 } }).join()).toMatch(/hostname/);
  });

  test('services come last, one per line, in the layout the sh script edits', () => {
    const text = serializeMetadata({ schemaVersion: 1, updatedAt: '2024-01-01T00:00:00Z', hostname: 'n1', services: { b: { installedAt: 'x' }, a: { installedAt: 'y', v: 1 } } });
    const lines = text.split('\n');
    expect(lines.slice(-6)).toEqual([SERVICES_LINE, '    "a": {"installedAt":"y","v":1},', '    "b": {"installedAt":"x"}', '  }', '}', '']);
    expect(serializeMetadata({ schemaVersion: 1, updatedAt: 'x', services: {} })).toMatch(/"services": \{\n  \}\n\}\n$/);
    expect(() => serializeMetadata({ schemaVersion: 1, updatedAt: 'x', services: { '../x': { installedAt: 'x' } } })).toThrow(/not allowed/);
  });

  test('labels file: strings, numbers and booleans; errors name file:line:col', async () => {
    const home = tempHome('labels');
    const f = join(home, 'labels.yml');
    writeFileSync(f, 'labels:\n  zone: kitchen\n  rack: 2\n  ssd: yes\n');
    expect(await readLabels(f, true)).toEqual({ zone: 'kitchen', rack: '2', ssd: 'true' });
    expect(await readLabels(join(home, 'none.yml'), false)).toEqual({});
    await expect(readLabels(join(home, 'none.yml'), true)).rejects.toThrow(/none\.yml/);
    writeFileSync(f, 'labels:\n  rack: 2\n  zone: [a, b]\n');
    await expect(readLabels(f, true)).rejects.toThrow(/labels\.yml:3:3: label 'zone' must be a string, number or boolean, got a list$/);
    writeFileSync(f, '# the labels\nlabels: [a, b]\n');
    await expect(readLabels(f, true)).rejects.toThrow(/labels\.yml:2:1: expected a mapping `labels: \{key: value\}`$/);
  });
});

describe('oasis-play agent (built CLI)', () => {
  test('--once writes ~/meta-data.json, schema-valid, with the labels and the markers', async () => {
    const home = tempHome('agent-once');
    mkdirSync(join(home, '.oasis', 'services'), { recursive: true });
    writeFileSync(join(home, '.oasis', 'labels.yml'), 'labels: {zone: attic}\n');
    writeFileSync(join(home, '.oasis', 'services', 'nginx_webserver'), '{"installedAt":"2024-05-01T10:00:00Z"}\n');
    writeFileSync(join(home, '.oasis', 'services', 'touched'), ''); // made by hand: installed at its mtime
    const t0 = Date.now();
    const r = await runCli(['agent', '--once'], { env: { HOME: home } });
    const ms = Date.now() - t0;
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const meta = readValid(join(home, 'meta-data.json'));
    expect(meta.labels).toEqual({ zone: 'attic' });
    expect(meta.services.nginx_webserver).toEqual({ installedAt: '2024-05-01T10:00:00Z' });
    expect(meta.services.touched!.installedAt).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    expect(meta.agent).toMatchObject({ version: expect.any(String), pid: expect.any(Number) });
    expect((meta.agent as { intervalSeconds?: number }).intervalSeconds).toBeUndefined();
    console.log(`agent --once (process start to exit): ${ms} ms`);
  });

  test('--file and --labels; bad options exit 5; a missing --labels file is an error naming it', async () => {
    const home = tempHome('agent-opts');
    const file = join(home, 'sub-meta.json');
    writeFileSync(join(home, 'l.yml'), 'labels: {a: b}\n');
    expect((await runCli(['agent', '--once', '--file', file, '--labels', join(home, 'l.yml')], { env: { HOME: home } })).code).toBe(0);
    expect(readValid(file).labels).toEqual({ a: 'b' });
    const bad = await runCli(['agent', '--interval', '0'], { env: { HOME: home } });
    expect(bad.code).toBe(5);
    expect(bad.stderr).toMatch(/--interval must be/);
    // Beyond what a Node timer holds, it would rewrite the file in a busy loop: refused.
    const huge = await runCli(['agent', '--interval', '3000000'], { env: { HOME: home } });
    expect(huge.code).toBe(5);
    expect(huge.stderr).toMatch(/--interval must be .*≤ 86400/);
    const missing = await runCli(['agent', '--once', '--labels', join(home, 'nope.yml')], { env: { HOME: home } });
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('nope.yml');
    expect(readFileSync(file, 'utf8')).toContain('"a": "b"');
  });
});
