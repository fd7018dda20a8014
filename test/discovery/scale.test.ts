// 40 candidates, 10 of which accept TCP and never speak SSH: discovery must take about one
// timeout, not ten. 30 real lab nodes on 127.0.40.1-30, silent listeners on 127.0.40.201-210.
import { mkdtempSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { discoverNodes } from '../../src/discovery/discover.js';
import { parseIniInventory } from '../../src/inventory/ini.js';
import { labDown, labUp, type Lab } from '../../src/lab/lab.js';

const TIMEOUT_MS = 3000;
const dir = mkdtempSync(join(tmpdir(), 'oasis-lab-40-scale-'));
let lab: Lab;
const servers: Server[] = [];
const sockets = new Set<Socket>();

beforeAll(async () => {
  lab = await labUp(30, { dir, subnet: 40 });
  for (let i = 201; i <= 210; i++) {
    const s = createServer((sock) => {
      sockets.add(sock); // accepted, and never a byte back: the SSH handshake times out
      sock.on('error', () => undefined);
      sock.on('close', () => sockets.delete(sock));
    });
    await new Promise<void>((resolve, reject) => s.once('error', reject).listen(22, `127.0.40.${i}`, resolve));
    servers.push(s);
  }
}, 120_000);

afterAll(async () => {
  for (const s of sockets) s.destroy();
  await Promise.all(servers.map((s) => new Promise((r) => s.close(r))));
  await labDown(dir);
});

test('40 candidates, 10 silent: one timeout in all, not ten', async () => {
  const lines = [
    ...lab.nodes.map((n) => `${n.name} ansible_host=${n.address}`),
    ...Array.from({ length: 10 }, (_, i) => `silent${i + 1} ansible_host=127.0.40.${201 + i}`),
  ];
  const inv = parseIniInventory(`[all:vars]\nansible_user=root\nansible_ssh_private_key_file=${lab.clientKeyFile}\n[nodes]\n${lines.join('\n')}\n`, 'scale.ini');
  const t0 = Date.now();
  const nodes = await discoverNodes(inv, { knownHostsFile: lab.knownHostsFile, hostKeyChecking: 'yes', connectTimeoutMs: TIMEOUT_MS, concurrency: 50 });
  const ms = Date.now() - t0;
  console.log(`40 candidates (30 nodes, 10 silent), timeout ${TIMEOUT_MS} ms: ${ms} ms (one at a time the silent ones alone would take ${10 * TIMEOUT_MS} ms)`);
  expect(nodes.filter((n) => n.state === 'live')).toHaveLength(30);
  const down = nodes.filter((n) => n.state === 'down');
  expect(down.map((n) => n.reason)).toEqual(Array(10).fill('timeout'));
  expect(down.map((n) => n.name).sort()).toEqual(Array.from({ length: 10 }, (_, i) => `silent${i + 1}`).sort());
  expect(ms).toBeGreaterThanOrEqual(TIMEOUT_MS - 50);
  const t1 = Date.now();
  const live = await discoverNodes(parseIniInventory(`[all:vars]\nansible_user=root\nansible_ssh_private_key_file=${lab.clientKeyFile}\n[nodes]\n${lines.slice(0, 30).join('\n')}\n`, 'live.ini'), {
    knownHostsFile: lab.knownHostsFile,
    hostKeyChecking: 'yes',
    connectTimeoutMs: TIMEOUT_MS,
  });
  console.log(`the 30 answering nodes alone: ${Date.now() - t1} ms`);
  expect(live.every((n) => n.state === 'live')).toBe(true);
  expect(ms).toBeLessThan(1.7 * TIMEOUT_MS);
}, 60_000);
