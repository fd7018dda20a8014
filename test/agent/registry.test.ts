import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { withLock } from '../../src/agent/lock.js';
import { serviceRegistryScript } from '../../src/agent/service-script.js';
import { writeMetadata } from '../../src/agent/store.js';
import { buildMetadata, collectSample } from '../../src/agent/collect.js';
import { readValid, registry, tempHome } from './helpers.js';

const deadPid = () => spawnSync('true').pid!;

describe('service registry script (sh + coreutils on the node)', () => {
  for (const shell of ['sh', 'busybox sh']) {
    test(`add/remove with ${shell}: markers, result line, valid file with or without an agent`, async () => {
      const home = tempHome('reg');
      const r1 = await registry(home, 'add', 'nginx_webserver', undefined, shell);
      expect(r1).toMatchObject({ code: 0, stdout: 'changed\n' });
      // No agent yet: a minimal file with the services.
      let meta = readValid(join(home, 'meta-data.json'));
      expect(Object.keys(meta.services)).toEqual(['nginx_webserver']);
      expect(meta.agent).toBeUndefined();
      expect((await registry(home, 'add', 'nginx_webserver', undefined, shell)).stdout).toBe('ok\n');
      expect((await registry(home, 'add', 'lb', { version: '1.2', port: 80 }, shell)).stdout).toBe('changed\n');
      // An agent's file: its fields are kept, the services replaced.
      const sample = await collectSample();
      await writeMetadata(join(home, 'meta-data.json'), (s) => buildMetadata(sample, { zone: 'z' }, s, { version: 't' }));
      expect((await registry(home, 'remove', 'nginx_webserver', undefined, shell)).stdout).toBe('changed\n');
      expect((await registry(home, 'remove', 'nginx_webserver', undefined, shell)).stdout).toBe('ok\n');
      meta = readValid(join(home, 'meta-data.json'));
      expect(meta.labels).toEqual({ zone: 'z' });
      expect(meta.hostname).toBe(sample.hostname);
      expect(meta.services).toEqual({ lb: { installedAt: expect.stringMatching(/Z$/), version: '1.2', port: 80 } });
      expect(existsSync(join(home, 'meta-data.json.lock'))).toBe(false);
    });
  }

  test('names and options are checked before anything runs', () => {
    expect(() => serviceRegistryScript('add', "x'; rm -rf /")).toThrow(/not allowed/);
    expect(() => serviceRegistryScript('add', '.hidden')).toThrow(/not allowed/);
    expect(() => serviceRegistryScript('add', 'ok', { file: 'relative.json' })).toThrow(/absolute/);
    expect(() => serviceRegistryScript('nuke' as 'add', 'ok')).toThrow(/unknown operation/);
    expect(serviceRegistryScript('add', 'x', { file: '/srv/my meta.json' }).text).toContain("f='/srv/my meta.json'");
  });

  test('a lock left by a killed writer is broken at once (dead pid), a stuck one after 15 s', async () => {
    const home = tempHome('stale');
    const lock = join(home, 'meta-data.json.lock');
    writeFileSync(lock, `${deadPid()}\n`);
    let t0 = Date.now();
    expect((await registry(home, 'add', 'a')).code).toBe(0);
    expect(Date.now() - t0).toBeLessThan(2000);
    expect(existsSync(lock)).toBe(false);
    writeFileSync(lock, `${deadPid()}\n`);
    t0 = Date.now();
    await withLock(lock, async () => undefined);
    expect(Date.now() - t0).toBeLessThan(1000);
    // pid 1 is alive, but nobody holds a lock for 20 s.
    for (const take of [() => withLock(lock, async () => undefined), () => registry(home, 'add', 'b')]) {
      writeFileSync(lock, '1\n');
      const old = new Date(Date.now() - 20_000);
      utimesSync(lock, old, old);
      t0 = Date.now();
      await take();
      expect(Date.now() - t0).toBeLessThan(1000);
      expect(existsSync(lock)).toBe(false);
    }
    expect(readdirSync(home).filter((n) => n.includes('.lock'))).toEqual([]);
  });

  test('a live holder is waited for, in sh and in node', async () => {
    const home = tempHome('wait');
    const lock = join(home, 'meta-data.json.lock');
    let release!: () => void;
    const held = withLock(lock, () => new Promise<void>((r) => (release = r)));
    await new Promise((r) => setTimeout(r, 50));
    const waiting = registry(home, 'add', 'a');
    await new Promise((r) => setTimeout(r, 400));
    expect(existsSync(join(home, '.oasis', 'services', 'a'))).toBe(false); // still waiting
    release();
    await held;
    expect((await waiting).stdout).toBe('changed\n');
    expect(readFileSync(join(home, 'meta-data.json'), 'utf8')).toContain('"a": {"installedAt"');
  });
});
