import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { serializeMetadata } from '../../src/agent/metadata.js';
import { LocalConnection } from '../../src/connection/local.js';
import { candidatesFrom } from '../../src/discovery/candidates.js';
import { expandCidr } from '../../src/discovery/cidr.js';
import { evaluateProbe } from '../../src/discovery/evaluate.js';
import { parseProbe, probeScript } from '../../src/discovery/probe.js';
import { defaultScorer, scorerNamed, scorers, sortNodes } from '../../src/discovery/score.js';
import type { Candidate, NodeStatus } from '../../src/discovery/types.js';
import { parseIniInventory } from '../../src/inventory/ini.js';
import { tempHome } from '../agent/helpers.js';

describe('CIDR ranges', () => {
  test('host addresses only, /31 and /32 whole, bad input named', () => {
    expect(expandCidr('127.0.40.0/29')).toEqual(['127.0.40.1', '127.0.40.2', '127.0.40.3', '127.0.40.4', '127.0.40.5', '127.0.40.6']);
    expect(expandCidr('127.0.40.9/30')).toEqual(['127.0.40.9', '127.0.40.10']);
    expect(expandCidr('127.0.40.8/31')).toEqual(['127.0.40.8', '127.0.40.9']);
    expect(expandCidr('127.0.40.7')).toEqual(['127.0.40.7']);
    expect(expandCidr('127.0.0.0/20')).toHaveLength(4094);
    expect(() => expandCidr('127.0.0.0/8')).toThrow(/127\.0\.0\.0\/8 has 16777216 addresses/);
    expect(() => expandCidr('127.0.300.0/24')).toThrow(/'127\.0\.300\.0\/24' is not an IPv4 range/);
    expect(() => expandCidr('127.0.0.0/33')).toThrow(/not an IPv4 range/);
  });
});

describe('candidates', () => {
  test('inventory hosts with their vars, range addresses with the declaring group\'s vars, no duplicates', () => {
    const inv = parseIniInventory(
      [
        'web1 ansible_host=127.0.40.1',
        'mock oasis_metadata=\'{"load": {"load1": 1, "load5": 1, "load15": 1}}\'',
        '[pis]',
        'pi1 ansible_host=127.0.40.2 oasis_metadata_file=/srv/meta.json',
        '[pis:vars]',
        'ansible_user=pi',
        'oasis_discover=["127.0.40.0/30", "127.0.40.6"]',
        '[all:vars]',
        'ansible_port=22',
      ].join('\n') + '\n',
      'test.ini',
    );
    const cs = candidatesFrom(inv);
    expect(cs.map((c) => [c.name, c.address, c.origin.kind])).toEqual([
      ['web1', '127.0.40.1', 'inventory'],
      ['mock', 'mock', 'inventory'],
      ['pi1', '127.0.40.2', 'inventory'],
      ['127.0.40.6', '127.0.40.6', 'range'], // .1 and .2 are inventory hosts already
    ]);
    const range = cs.at(-1)!;
    expect(range.vars).toMatchObject({ ansible_user: 'pi', ansible_host: '127.0.40.6', name: '127.0.40.6' });
    expect(range.origin).toEqual({ kind: 'range', group: 'pis', range: '127.0.40.6' });
    expect(cs[2]!.metadataFile).toBe('/srv/meta.json');
    expect(cs[0]!.metadataFile).toBe('~/meta-data.json');
    expect(cs[1]!.inline).toEqual({ load: { load1: 1, load5: 1, load15: 1 } }); // INI values are Python literals
  });

  test('a bad range names the group', () => {
    const inv = parseIniInventory('[pis]\n[pis:vars]\noasis_discover=["10.0.0.0/8"]\n', 'x.ini');
    expect(() => candidatesFrom(inv)).toThrow(/inventory group 'pis': oasis_discover: range 10\.0\.0\.0\/8 has/);
    const inv2 = parseIniInventory('[pis]\n[pis:vars]\noasis_discover=5\n', 'x.ini');
    expect(() => candidatesFrom(inv2)).toThrow(/must be a list of IPv4 ranges/);
  });
});

describe('load score', () => {
  test('the seed\'s formula: (per-core 3·l15 + 2·l5 + l1 + 4·memory) / 4', () => {
    expect(defaultScorer({ load: { load1: 1, load5: 2, load15: 4 }, cores: 2, memoryUsedRatio: 0.5 })).toBe(((3 * 4 + 2 * 2 + 1) / 2 + 2) / 4);
    expect(defaultScorer({ load: { load1: 0, load5: 0, load15: 0 }, cores: 4, memoryUsedRatio: 0 })).toBe(0);
    expect(defaultScorer({ cores: 4, memoryUsedRatio: 0.2 })).toBeNull();
    expect(scorers.load1!({ load: { load1: 2, load5: 0, load15: 0 }, cores: 4 })).toBe(0.5);
    expect(() => scorerNamed('nope')).toThrow(/unknown scorer 'nope' \(have default, load1, memory\)/);
  });

  test('live nodes by score (ties by name, unscored after scored), then stale, then down', () => {
    const n = (name: string, state: NodeStatus['state'], score: number | null) => ({ name, state, score }) as NodeStatus;
    const sorted = sortNodes([n('d1', 'down', null), n('b', 'live', 1), n('a', 'live', 1), n('s', 'stale', 0.5), n('u', 'live', null), n('c', 'live', 0.2)]);
    expect(sorted.map((x) => x.name)).toEqual(['c', 'a', 'b', 'u', 's', 'd1']);
  });
});

describe('probe script (run with the local sh)', () => {
  const cand = (file: string): Candidate => ({ name: 'local', address: '127.0.0.1', port: 22, vars: { name: 'local' }, origin: { kind: 'inventory' }, metadataFile: file });
  const o = { scorer: defaultScorer };
  const local = new LocalConnection();

  test('no agent: /proc figures, live', async () => {
    const home = tempHome('probe');
    const r = await local.exec(probeScript('~/meta-data.json'), { env: { HOME: home } });
    const p = parseProbe(r.stdout, 'local');
    expect(p.metaText).toBeUndefined();
    expect(p.load!.load15).toBeGreaterThanOrEqual(0);
    expect(p.memory!.totalBytes).toBeGreaterThan(p.memory!.availableBytes);
    expect(p.cores).toBeGreaterThan(0);
    expect(Math.abs(p.now - Date.now() / 1000)).toBeLessThan(5);
    const s = evaluateProbe(cand('~/meta-data.json'), p, o);
    expect(s).toMatchObject({ state: 'live', via: 'proc', services: [], score: expect.any(Number) });
  });

  test('fresh agent file: its figures; old: stale with /proc figures; broken: stale with the reason', async () => {
    const home = tempHome('probe2');
    const file = join(home, 'meta-data.json');
    const meta = (updatedAt: string) => ({
      schemaVersion: 1 as const, updatedAt, agent: { version: 't', pid: 1, intervalSeconds: 5 }, hostname: 'h', addresses: [], os: { platform: 'linux' }, arch: 'armv7l',
      cpu: { cores: 4 }, load: { load1: 9, load5: 9, load15: 9 }, memory: { totalBytes: 100, availableBytes: 50 }, disks: [], temperatureC: 50, labels: { a: 'b' },
      services: { web: { installedAt: 'x' } },
    });
    writeFileSync(file, serializeMetadata(meta(new Date().toISOString())));
    const run = async () => parseProbe((await local.exec(probeScript(file))).stdout, 'local');
    let s = evaluateProbe(cand(file), await run(), o);
    expect(s).toMatchObject({ state: 'live', via: 'agent', arch: 'armv7l', cores: 4, load: { load1: 9 }, temperatureC: 50, labels: { a: 'b' }, services: ['web'] });
    expect(s.score).toBe(((3 * 9 + 2 * 9 + 9) / 4 + 4 * 0.5) / 4);
    // 3 × the 5 s interval is the threshold.
    writeFileSync(file, serializeMetadata(meta(new Date(Date.now() - 20_000).toISOString())));
    s = evaluateProbe(cand(file), await run(), o);
    expect(s).toMatchObject({ state: 'stale', via: 'proc', services: ['web'], message: expect.stringMatching(/over 15 s/) });
    expect(s.load!.load1).not.toBe(9);
    expect(evaluateProbe(cand(file), await run(), { ...o, staleAfterSeconds: 60 }).state).toBe('live');
    writeFileSync(file, '{"schemaVersion": 1, "upda');
    s = evaluateProbe(cand(file), await run(), o);
    expect(s).toMatchObject({ state: 'stale', via: 'proc', message: expect.stringMatching(/meta-data\.json is not valid JSON/) });
  });

  test('old kernels without MemAvailable: free + buffers + cached', () => {
    const p = parseProbe('now=100\nuname=n1 armv6l\nnproc=1\nloadavg=0.1 0.2 0.3\nmem.MemTotal=1000\nmem.MemFree=100\nmem.Buffers=50\nmem.Cached=250\nmeta=none\n', 'x');
    expect(p).toMatchObject({ hostname: 'n1', arch: 'armv6l', cores: 1, memory: { totalBytes: 1024000, availableBytes: 409600 }, temperatureC: null });
    expect(() => parseProbe('garbage', 'node9')).toThrow(/node9: unexpected probe output/);
  });
});
