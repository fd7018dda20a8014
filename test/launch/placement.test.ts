import { spawnSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BUILTIN_CATALOG, getService, loadCatalog, type ServiceManifest } from '../../src/launch/catalog.js';
import { place, type NodeView } from '../../src/launch/placement.js';
import { clusterLockFile, withClusterLock } from '../../src/launch/lock.js';

const node = (name: string, score: number, extra: Partial<NodeView> = {}): NodeView => ({ name, state: 'live', score, labels: {}, services: [], arch: 'x86_64', memFreeMb: 512, ...extra });
const web: ServiceManifest = { name: 'web', description: '', requirements: { arch: ['x86_64', 'aarch64'], minFreeMemoryMb: 100, labels: { zone: 'a' } }, conflicts: ['lb'], refresh: [], install: 'x' };

describe('placement', () => {
  it('picks the least loaded fit nodes, ties by name, and says why each other node was left out', () => {
    const nodes = [
      node('n5', 0.1, { labels: { zone: 'a' } }),
      node('n1', 0.5, { labels: { zone: 'a' } }),
      node('n2', 0.2, { labels: { zone: 'a' } }),
      node('n3', 0.2, { labels: { zone: 'a' } }),
      node('busy', 0.0, { labels: { zone: 'a' }, services: ['web'] }),
      node('lb', 0.0, { labels: { zone: 'a' }, services: ['lb'] }),
      node('arm32', 0.0, { labels: { zone: 'a' }, arch: 'armv7l' }),
      node('small', 0.0, { labels: { zone: 'a' }, memFreeMb: 50 }),
      node('zoneb', 0.0, { labels: { zone: 'b' } }),
      node('dead', 0.0, { state: 'down', reason: 'refused' }),
      node('old', 0.0, { state: 'stale' }),
    ];
    const p = place(nodes, web, 2);
    expect(p.chosen.map((n) => n.name)).toEqual(['n5', 'n2']);
    expect(Object.fromEntries(p.rejected.map((r) => [r.node, r.reason]))).toEqual({
      busy: 'already runs web',
      lb: 'runs lb, which conflicts with web',
      arm32: 'arch armv7l is not one of x86_64, aarch64',
      small: '50 MB free, needs 100 MB',
      zoneb: 'label zone=a missing (has zone=b)',
      dead: 'down (refused)',
      old: 'stale',
      n3: 'more loaded than the 2 chosen (score 0.20)',
      n1: 'more loaded than the 2 chosen (score 0.50)',
    });
    expect(place(nodes, web, 'all').chosen.map((n) => n.name)).toEqual(['n5', 'n2', 'n3', 'n1']);
    expect(place(nodes, web, 2, 'by-name').chosen.map((n) => n.name)).toEqual(['n1', 'n2']);
  });
});

describe('service catalog', () => {
  it('has the built-in services with their manifests', () => {
    const catalog = loadCatalog([BUILTIN_CATALOG]);
    expect([...catalog.keys()].sort()).toEqual(['load_balancer', 'nginx_webserver', 'oasis_agent'].filter((s) => catalog.has(s)).sort());
    expect(getService(catalog, 'nginx_webserver')).toMatchObject({ refresh: ['load_balancer'], conflicts: ['load_balancer'], port: 80 });
    expect(() => getService(catalog, 'nginx_webserv')).toThrow(/unknown service 'nginx_webserv'; did you mean 'nginx_webserver'\?/);
  });

  it('accepts the older install_<service>.yml names; a local catalog wins over the built-in one', () => {
    const dir = mkdtempSync(join(tmpdir(), 'oasis-catalog-'));
    writeFileSync(join(dir, 'install_redis.yml'), '- hosts: all\n  tasks: []\n');
    writeFileSync(join(dir, 'uninstall_redis.yml'), '- hosts: all\n  tasks: []\n');
    mkdirSync(join(dir, 'nginx_webserver'));
    writeFileSync(join(dir, 'nginx_webserver/service.yml'), 'description: mine\n');
    writeFileSync(join(dir, 'nginx_webserver/install.yml'), '- hosts: all\n  tasks: []\n');
    const catalog = loadCatalog([dir, BUILTIN_CATALOG]);
    expect(catalog.get('redis')).toMatchObject({ install: join(dir, 'install_redis.yml'), uninstall: join(dir, 'uninstall_redis.yml') });
    expect(catalog.get('nginx_webserver')).toMatchObject({ description: 'mine', refresh: [] });
  });

  it('a bad manifest names the file and line', () => {
    const dir = mkdtempSync(join(tmpdir(), 'oasis-catalog-'));
    mkdirSync(join(dir, 'svc'));
    writeFileSync(join(dir, 'svc/service.yml'), 'description: x\nrefesh: [a]\n');
    writeFileSync(join(dir, 'svc/install.yml'), '[]\n');
    expect(() => loadCatalog([dir])).toThrow(/svc\/service\.yml:2:1: unknown key 'refesh' in service manifest; did you mean 'refresh'\?/);
  });
});

describe('cluster lock', () => {
  it('serialises two holders and takes over the lock of a dead owner', async () => {
    process.env['OASIS_STATE_DIR'] = mkdtempSync(join(tmpdir(), 'oasis-state-'));
    const order: string[] = [];
    const hold = (name: string, ms: number) =>
      withClusterLock(['/inv'], 5000, async () => {
        order.push(`${name}+`);
        await new Promise((r) => setTimeout(r, ms));
        order.push(`${name}-`);
      });
    await Promise.all([hold('a', 150), hold('b', 10)]);
    expect(order).toEqual(['a+', 'a-', 'b+', 'b-']);
    // A lock left by a process that died is not waited for.
    const dead = spawnSync('true').pid;
    mkdirSync(dirname(clusterLockFile(['/inv'])), { recursive: true });
    writeFileSync(clusterLockFile(['/inv']), `${dead}\n`);
    await expect(withClusterLock(['/inv'], 100, async () => 'ok')).resolves.toBe('ok');
    await expect(
      withClusterLock(['/inv'], 5000, () => withClusterLock(['/inv'], 300, async () => 'inner')),
    ).rejects.toThrow(/another launch or remove \(pid \d+\) holds/);
  });
});
