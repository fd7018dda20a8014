// Discovery against real sshd lab nodes on 127.0.40.1-4: agents inside the nodes, the /proc
// fallback, stale metadata, a stopped node, a scanned range, the CLI.
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { serializeMetadata, type NodeMetadata } from '../../src/agent/metadata.js';
import { serviceRegistryScript } from '../../src/agent/service-script.js';
import { connectSsh } from '../../src/connection/ssh.js';
import { discoverNodes, type DiscoverOptions } from '../../src/discovery/discover.js';
import { addDynamicGroups } from '../../src/discovery/groups.js';
import type { NodeStatus } from '../../src/discovery/types.js';
import { groupMembers } from '../../src/engine/host-vars.js';
import { parseIniInventory } from '../../src/inventory/ini.js';
import { loadInventories } from '../../src/inventory/load.js';
import { parseYamlInventory } from '../../src/inventory/yaml-inventory.js';
import { labStopNode, type LabNode } from '../../src/lab/lab.js';
import { CLI, runCli } from '../helpers/cli.js';
import { inNode, useLab } from '../helpers/lab.js';

const env = useLab(4, 40);
const TIMEOUT_MS = 3000;
const opts = (extra: Partial<DiscoverOptions> = {}): DiscoverOptions => ({ knownHostsFile: env.lab.knownHostsFile, hostKeyChecking: 'yes', connectTimeoutMs: TIMEOUT_MS, ...extra });
const labInventory = async () => (await loadInventories([env.lab.inventoryFile])).inventory;
const metaFile = (n: LabNode) => join(n.root, 'root', 'meta-data.json'); // the node's /root/meta-data.json
const byName = (nodes: NodeStatus[]) => Object.fromEntries(nodes.map((n) => [n.name, n]));

describe('discovery on lab nodes', () => {
  test('no agent yet: every node live, figures from /proc, its own host name', async () => {
    const nodes = await discoverNodes(await labInventory(), opts());
    expect(nodes.map((n) => n.state)).toEqual(['live', 'live', 'live', 'live']);
    for (const n of nodes) {
      expect(n).toMatchObject({ via: 'proc', hostname: n.name, services: [], address: `127.0.40.${n.name.slice(4)}` });
      expect(n.load!.load15).toBeGreaterThanOrEqual(0);
      expect(n.score).toEqual(expect.any(Number));
    }
  });

  test('agents run inside the nodes (--once): all live with the agents\' figures and labels', async () => {
    const t0 = Date.now();
    const runs = await Promise.all(
      env.lab.nodes.map((n) => {
        mkdirSync(join(n.root, 'root', '.oasis'), { recursive: true });
        writeFileSync(join(n.root, 'root', '.oasis', 'labels.yml'), `labels: {rack: r${n.name.slice(4)}, role: worker}\n`);
        return inNode(n, `HOME=/root ${process.execPath} ${CLI} agent --once`);
      }),
    );
    console.log(`4 agents --once in parallel inside the nodes: ${Date.now() - t0} ms`);
    for (const r of runs) expect(r).toMatchObject({ code: 0, stderr: '' });
    const nodes = byName(await discoverNodes(await labInventory(), opts()));
    for (const n of env.lab.nodes) {
      const file = JSON.parse(readFileSync(metaFile(n), 'utf8')) as NodeMetadata;
      expect(file.hostname).toBe(n.name); // written inside the node's UTS namespace
      expect(nodes[n.name]).toMatchObject({ state: 'live', via: 'agent', hostname: n.name, load: file.load, labels: { rack: `r${n.name.slice(4)}`, role: 'worker' } });
      expect(nodes[n.name]!.ageSeconds).toBeLessThan(10);
    }
  });

  test('a service added over SSH (one round trip) shows up, and in the dynamic groups', async () => {
    const n2 = env.node('node2');
    const conn = await connectSsh({ name: 'node2', host: n2.address, port: 22, user: 'root', privateKeyFile: env.lab.clientKeyFile, knownHostsFile: env.lab.knownHostsFile, hostKeyChecking: 'yes' });
    try {
      const r = await conn.exec(serviceRegistryScript('add', 'nginx_webserver', { info: { port: 80 } }));
      expect(r).toMatchObject({ code: 0, stdout: 'changed\n' });
      expect(conn.execCount).toBe(2); // the shell's start-up probe, then the script
    } finally {
      await conn.close();
    }
    const inv = await labInventory();
    const nodes = await discoverNodes(inv, opts());
    expect(byName(nodes).node2!.services).toEqual(['nginx_webserver']);
    expect(byName(nodes).node2!.via).toBe('agent'); // the agent's fields kept by the script
    const groups = groupMembers(addDynamicGroups(inv, nodes));
    expect(groups.service_nginx_webserver).toEqual(['node2']);
    expect(groups.live).toEqual(['node1', 'node2', 'node3', 'node4']);
    expect(groups.label_rack_r3).toEqual(['node3']);
    expect(groups.label_role_worker).toHaveLength(4);
    expect(groups[`arch_${nodes[0]!.arch}`]).toHaveLength(4);
  });

  test('a run that discovers gives templates each node\'s metadata and state (oasis_metadata, oasis_node)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'oasis-nodevars-'));
    const pb = join(dir, 'meta.yml');
    writeFileSync(
      pb,
      `- hosts: live
  tasks:
    - copy:
        dest: /srv/meta.txt
        content: "{{ oasis_metadata.hostname }} rack={{ oasis_metadata.labels.rack }} {{ oasis_node.state }} via={{ oasis_node.via }} web={{ join groups.service_nginx_webserver ',' }} node2={{ join hostvars.node2.oasis_node.services ',' }}\\n"
`,
    );
    const r = await runCli(['run', pb, '-i', env.lab.inventoryFile, '--known-hosts', env.lab.knownHostsFile]);
    expect(r).toMatchObject({ code: 0, stderr: '' });
    for (const n of env.lab.nodes) {
      expect(readFileSync(join(n.root, 'srv', 'meta.txt'), 'utf8')).toBe(`${n.name} rack=r${n.name.slice(4)} live via=agent web=node2 node2=nginx_webserver\n`);
    }
  });

  test('metadata made old: stale, with fresh /proc figures and a reason', async () => {
    const n3 = env.node('node3');
    const meta = JSON.parse(readFileSync(metaFile(n3), 'utf8')) as NodeMetadata;
    writeFileSync(metaFile(n3), serializeMetadata({ ...meta, updatedAt: new Date(Date.now() - 600_000).toISOString() }));
    const nodes = byName(await discoverNodes(await labInventory(), opts()));
    expect(nodes.node3).toMatchObject({ state: 'stale', via: 'proc', labels: { rack: 'r3' }, message: expect.stringMatching(/metadata is 10m old, over 60 s/) });
    expect(nodes.node3!.ageSeconds).toBeGreaterThanOrEqual(599);
    expect(['node1', 'node2', 'node4'].map((n) => nodes[n]!.state)).toEqual(['live', 'live', 'live']);
  });

  test('host key and authentication problems: down, with the reason', async () => {
    const empty = join(env.lab.dir, 'empty_known_hosts');
    writeFileSync(empty, '');
    const keyless = await discoverNodes(await labInventory(), opts({ knownHostsFile: empty }));
    expect(keyless.map((n) => [n.state, n.reason])).toEqual(Array(4).fill(['down', 'hostkey']));
    const inv = parseIniInventory(`n1 ansible_host=127.0.40.1 ansible_user=nobody ansible_ssh_private_key_file=${env.lab.clientKeyFile}\n`, 'auth.ini');
    const [n1] = await discoverNodes(inv, opts());
    expect(n1).toMatchObject({ state: 'down', reason: 'auth', message: expect.stringMatching(/authentication failed/) });
  });

  test('a range limited to the lab (127.0.40.0/29) finds exactly the lab nodes', async () => {
    const inv = parseIniInventory(
      `[scan]\n[scan:vars]\noasis_discover=["127.0.40.0/29"]\nansible_user=root\nansible_ssh_private_key_file=${env.lab.clientKeyFile}\n`,
      'scan.ini',
    );
    const t0 = Date.now();
    const nodes = await discoverNodes(inv, opts());
    console.log(`scan of 127.0.40.0/29 (6 addresses, 4 nodes): ${Date.now() - t0} ms`);
    expect(nodes.map((n) => n.name).sort()).toEqual(['127.0.40.1', '127.0.40.2', '127.0.40.3', '127.0.40.4']);
    expect(nodes.map((n) => n.hostname).sort()).toEqual(['node1', 'node2', 'node3', 'node4']);
    expect(nodes.every((n) => n.state !== 'down' && n.origin.kind === 'range')).toBe(true);
    const groups = groupMembers(addDynamicGroups(inv, nodes));
    expect(groups.scan!.sort()).toEqual(['127.0.40.1', '127.0.40.2', '127.0.40.3', '127.0.40.4']);
    expect(groups.service_nginx_webserver).toEqual(['127.0.40.2']);
  });

  test('the same range as `discover:` in a YAML inventory: the same nodes', async () => {
    const inv = parseYamlInventory(`scan:\n  discover: [127.0.40.0/29]\n  vars: {ansible_user: root, ansible_ssh_private_key_file: ${env.lab.clientKeyFile}}\n`, 'scan.yml');
    const nodes = await discoverNodes(inv, opts());
    expect(nodes.map((n) => [n.name, n.state !== 'down', n.origin.kind]).sort()).toEqual(['1', '2', '3', '4'].map((i) => [`127.0.40.${i}`, true, 'range']));
    expect(groupMembers(addDynamicGroups(inv, nodes)).scan!.sort()).toEqual(['127.0.40.1', '127.0.40.2', '127.0.40.3', '127.0.40.4']);
  });

  test('a stopped node: down (refused) well within the timeout, listed last', async () => {
    await labStopNode(env.lab, 'node4');
    const t0 = Date.now();
    const nodes = await discoverNodes(await labInventory(), opts());
    const ms = Date.now() - t0;
    console.log(`4 nodes, one stopped: ${ms} ms`);
    expect(ms).toBeLessThan(TIMEOUT_MS);
    expect(nodes.at(-1)).toMatchObject({ name: 'node4', state: 'down', reason: 'refused', score: null, message: expect.stringMatching(/127\.0\.40\.4:22.*refused/) });
  });

  test('oasis-play nodes (built CLI): table and JSON', async () => {
    const args = ['nodes', '-i', env.lab.inventoryFile, '--known-hosts', env.lab.knownHostsFile, '-T', '3'];
    const table = await runCli(args);
    expect(table.code).toBe(0);
    expect(table.stdout).toMatch(/^node2\s+127\.0\.40\.2\s+live\s+\d+\.\d\d\s+[\d.]+ [\d.]+ [\d.]+\s+\d+% of [\d.]+[MG]\s+\S+\s+nginx_webserver\s+\d+[smh]$/m);
    expect(table.stdout).toMatch(/^node3\s+127\.0\.40\.3\s+stale \(proc\)/m);
    expect(table.stdout).toMatch(/^node4\s+127\.0\.40\.4\s+down \(refused\)\s+-/m);
    expect(table.stdout).toContain('4 nodes: 2 live, 1 stale, 1 down');
    const json = JSON.parse((await runCli([...args, '--json'])).stdout) as NodeStatus[];
    expect(json.map((n) => [n.name, n.state])).toContainEqual(['node4', 'down']);
    expect(json.at(-1)!.name).toBe('node4');
  });
});
