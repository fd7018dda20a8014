import { describe, expect, it } from 'vitest';
import type { ServiceManifest } from '../../src/launch/catalog.js';
import { launch, remove, type ClusterOps } from '../../src/launch/launch.js';
import type { NodeView } from '../../src/launch/placement.js';

// The orchestration logic against a recording stand-in for the cluster; the real thing (lab
// nodes, nginx) is exercised end to end in test/e2e/launch.test.ts.
function cluster(nodes: NodeView[], failOn: string[] = []) {
  const calls: string[] = [];
  const metadata = new Map(nodes.map((n) => [n.name, new Set(n.services)]));
  const ops: ClusterOps = {
    discover: async () => nodes.map((n) => ({ ...n, services: [...metadata.get(n.name)!] })),
    runPlaybook: async (file, hosts, view) => {
      calls.push(`${file} on ${hosts.join(',')} | web=${view.filter((n) => n.services.includes('web')).map((n) => n.name).join(',')}`);
      return { ok: hosts.filter((h) => !failOn.includes(h)), failed: hosts.filter((h) => failOn.includes(h)) };
    },
    recordService: async (host, service, present) => {
      calls.push(`${present ? 'record' : 'unrecord'} ${service} on ${host}`);
      if (present) metadata.get(host)!.add(service);
      else metadata.get(host)!.delete(service);
    },
    say: () => {},
  };
  return { ops, calls, metadata };
}

const node = (name: string, score: number, services: string[] = []): NodeView => ({ name, state: 'live', score, labels: {}, services, memFreeMb: 512 });
const web: ServiceManifest = { name: 'web', description: '', requirements: {}, conflicts: ['lb'], refresh: ['lb'], install: 'web/install', uninstall: 'web/uninstall' };
const lb: ServiceManifest = { name: 'lb', description: '', requirements: {}, conflicts: ['web'], refresh: [], install: 'lb/install', uninstall: 'lb/uninstall' };
const catalog = new Map([['web', web], ['lb', lb]]);

describe('launch and remove', () => {
  it('installs on the least loaded, records only successes, then refreshes the balancer with the new backends', async () => {
    const c = cluster([node('a', 0.9), node('b', 0.1), node('c', 0.3), node('d', 0.0, ['lb'])], ['c']);
    const r = await launch(c.ops, catalog, web, 2);
    expect(c.calls).toEqual(['web/install on b,c | web=b,c', 'record web on b', 'lb/install on d | web=b']);
    expect(r).toMatchObject({ changed: ['b'], failed: ['c'], runsOn: ['b'], refreshed: { lb: ['d'] }, refreshFailed: {} });
  });

  it('a dependent whose refresh fails is reported as failed, the launch itself still recorded', async () => {
    const c = cluster([node('b', 0.1), node('d', 0.0, ['lb'])], ['d']);
    const r = await launch(c.ops, catalog, web, 1);
    expect(r).toMatchObject({ changed: ['b'], failed: [], refreshed: { lb: [] }, refreshFailed: { lb: ['d'] } });
    expect(c.metadata.get('b')!.has('web')).toBe(true);
  });

  it('fails before changing anything when too few nodes qualify, with a reason per node', async () => {
    const c = cluster([node('a', 0.1, ['web']), node('d', 0.0, ['lb']), { ...node('x', 0), state: 'down', reason: 'timeout' }]);
    await expect(launch(c.ops, catalog, web, 1)).rejects.toThrow(
      /cannot launch 1 web: only 0 node\(s\) qualify; nothing was changed\.\n {2}a: already runs web\n {2}d: runs lb, which conflicts with web\n {2}x: down \(timeout\)/,
    );
    expect(c.calls).toEqual([]);
  });

  it('launching again where it already runs changes nothing with all', async () => {
    const c = cluster([node('a', 0.1, ['web'])]);
    expect(await launch(c.ops, catalog, web, 'all')).toMatchObject({ changed: [], runsOn: ['a'] });
    expect(c.calls).toEqual([]);
  });

  it('remove takes the most loaded first (or the named nodes) and refreshes dependents', async () => {
    const c = cluster([node('a', 0.9, ['web']), node('b', 0.1, ['web']), node('d', 0.0, ['lb'])]);
    expect(await remove(c.ops, catalog, web, 1)).toMatchObject({ changed: ['a'], runsOn: ['b'] });
    expect(c.calls).toEqual(['web/uninstall on a | web=b', 'unrecord web on a', 'lb/install on d | web=b']);
    await expect(remove(c.ops, catalog, web, 1, ['a'])).rejects.toThrow(/web does not run on a \(it runs on b\); nothing was changed/);
  });
});
