// `oasis-play launch` / `remove` end to end: 4 real sshd lab nodes, real nginx, loads made to
// differ through each node's ~/meta-data.json, HTTP through the balancer that launch placed.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { serializeMetadata, type NodeMetadata } from '../../src/agent/metadata.js';
import type { LabNode } from '../../src/lab/lab.js';
import { runCli } from '../helpers/cli.js';
import { settledAnswers } from '../helpers/http.js';
import { useLab } from '../helpers/lab.js';

const env = useLab(4, 12);
// Lower is less busy: node3 takes the balancer, then node2 and node4 the web servers.
const LOADS: Record<string, number> = { node1: 2.0, node2: 0.5, node3: 0.1, node4: 1.0 };
const metaFile = (n: LabNode) => join(n.root, 'root', 'meta-data.json');
const address = (name: string) => env.node(name).address;

function readMeta(n: LabNode): NodeMetadata | undefined {
  return existsSync(metaFile(n)) ? (JSON.parse(readFileSync(metaFile(n), 'utf8')) as NodeMetadata) : undefined;
}

/** Fresh metadata with the test's load on every node, keeping the services the nodes recorded. */
function writeLoads(): void {
  for (const n of env.lab.nodes) {
    const load = LOADS[n.name]!;
    const meta: NodeMetadata = {
      schemaVersion: 1,
      updatedAt: new Date().toISOString(),
      hostname: n.name,
      arch: 'x86_64',
      cpu: { cores: 1 },
      load: { load1: load, load5: load, load15: load },
      memory: { totalBytes: 1 << 30, availableBytes: 1 << 29 },
      services: readMeta(n)?.services ?? {},
    };
    writeFileSync(metaFile(n), serializeMetadata(meta));
  }
}

const servicesOf = (name: string) => Object.keys(readMeta(env.node(name))?.services ?? {}).sort();

/** path → sha256 of the node's nginx config, web files and home (the metadata aside: writeLoads rewrites it). */
function snapshot(n: LabNode): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (d: string) => {
    for (const name of existsSync(d) ? readdirSync(d) : []) {
      const p = join(d, name);
      const st = statSync(p, { throwIfNoEntry: false });
      if (st?.isDirectory()) walk(p);
      else if (st?.isFile() && p !== metaFile(n)) out.set(relative(n.root, p), createHash('sha256').update(readFileSync(p)).digest('hex'));
    }
  };
  for (const sub of ['etc/nginx', 'var/www', 'root']) walk(join(n.root, sub));
  return out;
}
const snapshotAll = () => new Map(env.lab.nodes.map((n) => [n.name, snapshot(n)]));

function cli(...args: string[]) {
  writeLoads();
  return runCli([...args, '-i', env.lab.inventoryFile, '--known-hosts', env.lab.knownHostsFile, '-T', '5'], { timeoutMs: 180_000 });
}

describe('launch and remove on lab nodes with real nginx', () => {
  it('places the balancer, then web servers on the two least loaded; traffic reaches exactly them', async () => {
    const lb = await cli('launch', '1', 'load_balancer');
    expect(lb.stderr).toBe('');
    expect(lb.code).toBe(0);
    expect(lb.stdout).toContain('==> load_balancer runs on: node3');
    expect(servicesOf('node3')).toEqual(['load_balancer']);

    const web = await cli('launch', '2', 'nginx_webserver');
    expect(web.stderr).toBe('');
    expect(web.code).toBe(0);
    // Score = (3·load15 + 2·load5 + load1)/cores + 4·used memory ratio, over 4 (DESIGN.md).
    expect(web.stdout).toContain('==> nginx_webserver: installing on node2 (load 1.25), node4 (load 2.00)');
    expect(web.stdout).toContain('==> nginx_webserver runs on: node2, node4');
    expect(web.stdout).toContain('==> load_balancer refreshed on: node3');
    expect(['node1', 'node2', 'node3', 'node4'].map(servicesOf)).toEqual([[], ['nginx_webserver'], ['load_balancer'], ['nginx_webserver']]);
    expect(await settledAnswers(address('node3'), ['node2', 'node4'])).toEqual(['node2', 'node4']);
  });

  it('a failed install on a node records nothing there, reports it, and leaves the balancer as it was', async () => {
    // A file where the web root must be a directory: the nginx role fails on node1.
    const n1 = env.node('node1');
    mkdirSync(join(n1.root, 'var/www'), { recursive: true });
    writeFileSync(join(n1.root, 'var/www/oasis'), 'in the way\n');
    const lbBefore = snapshot(env.node('node3'));
    const r = await cli('launch', '1', 'nginx_webserver');
    expect(r.code).toBe(2);
    expect(r.stdout).toMatch(/fatal: \[node1\]/);
    expect(r.stdout).toMatch(/node1 +: .*failed=1/);
    expect(r.stdout).toContain('==> nginx_webserver runs on: node2, node4');
    expect(servicesOf('node1')).toEqual([]);
    expect(snapshot(env.node('node3'))).toEqual(lbBefore);
    expect(await settledAnswers(address('node3'), ['node2', 'node4'])).toEqual(['node2', 'node4']);
    rmSync(join(n1.root, 'var/www/oasis'));
  });

  it('launching one more skips the nodes that run it (their files untouched) and spreads traffic over three', async () => {
    const before = snapshotAll();
    const r = await cli('launch', '1', 'nginx_webserver');
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('==> nginx_webserver: installing on node1 (load 3.50)');
    expect(r.stdout).not.toMatch(/\[node2\]|\[node4\]/); // nothing ran on the nodes that had it
    const after = snapshotAll();
    for (const n of ['node2', 'node4']) expect(after.get(n)).toEqual(before.get(n));
    expect(await settledAnswers(address('node3'), ['node1', 'node2', 'node4'])).toEqual(['node1', 'node2', 'node4']);
  });

  it('fails before changing anything when too few nodes qualify, saying why for each node', async () => {
    const before = snapshotAll();
    const r = await cli('launch', '1', 'nginx_webserver');
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('cannot launch 1 nginx_webserver: only 0 node(s) qualify; nothing was changed.');
    expect(r.stderr).toMatch(/node1: already runs nginx_webserver/);
    expect(r.stderr).toMatch(/node3: runs load_balancer, which conflicts with nginx_webserver/);
    expect(r.stdout).not.toContain('PLAY [');
    const after = snapshotAll();
    expect(after).toEqual(before);
    expect(['node1', 'node2', 'node3', 'node4'].map(servicesOf)).toEqual([['nginx_webserver'], ['nginx_webserver'], ['load_balancer'], ['nginx_webserver']]);
  });

  it('remove takes the named node out of the metadata and of the balancer', async () => {
    const r = await cli('remove', '1', 'nginx_webserver', '--nodes', 'node4');
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('==> nginx_webserver runs on: node1, node2');
    expect(servicesOf('node4')).toEqual([]);
    expect(await settledAnswers(address('node3'), ['node1', 'node2'])).toEqual(['node1', 'node2']);
    expect(readFileSync(join(env.node('node3').root, 'etc/nginx/sites-enabled/oasis-lb.conf'), 'utf8')).not.toContain(address('node4'));
  });

  it('two launches of 1 at the same time with one free node: exactly one succeeds', async () => {
    writeLoads();
    const args = ['launch', '1', 'nginx_webserver', '-i', env.lab.inventoryFile, '--known-hosts', env.lab.knownHostsFile];
    const [a, b] = await Promise.all([runCli(args, { timeoutMs: 180_000 }), runCli(args, { timeoutMs: 180_000 })]);
    const codes = [a.code, b.code].sort();
    expect(codes).toEqual([0, 1]);
    const loser = a.code === 0 ? b : a;
    expect(loser.stderr).toContain('cannot launch 1 nginx_webserver: only 0 node(s) qualify; nothing was changed.');
    expect(servicesOf('node4')).toEqual(['nginx_webserver']);
    expect(await settledAnswers(address('node3'), ['node1', 'node2', 'node4'])).toEqual(['node1', 'node2', 'node4']);
  });
});
