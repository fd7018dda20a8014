// `npm run demo` (the README's first command) as a user runs it: the built script, with a lab
// dir and subnet of the test's own (a user's demo lab in .lab/ on 127.0.1.x is left alone).
import { spawn } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, expect, it } from 'vitest';
import { labDown } from '../../src/lab/lab.js';

const DEMO = fileURLToPath(new URL('../../dist/lab/demo.js', import.meta.url));
// The lab makes the dir itself: it must be traversable by the become user, which mkdtemp's is not.
const dir = join(tmpdir(), `oasis-demo-${process.pid}`);
afterAll(() => labDown(dir));

function runDemo(): Promise<{ code: number; out: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [DEMO, '--dir', dir, '--subnet', '13'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? -1, out }));
  });
}

it('places agents, a balancer and web servers, and shows traffic over two and then three nodes', async () => {
  const { code, out } = await runDemo();
  expect(out).not.toContain('demo:');
  expect(code).toBe(0);
  expect(out).toContain('==> oasis_agent runs on: node1, node2, node3, node4');
  expect(out).toMatch(/4 nodes: 4 live, 0 stale, 0 down/);
  const lb = /==> load_balancer runs on: (node\d)/.exec(out)?.[1];
  const traffic = [...out.matchAll(/answered by: (.*)/g)].map((m) => new Set(m[1]!.split(' ')));
  expect(traffic).toHaveLength(2);
  expect(traffic[0]!.size).toBe(2);
  expect(traffic[1]!.size).toBe(3);
  expect([...traffic[1]!]).not.toContain(lb);
  for (const s of traffic[0]!) expect(traffic[1]!.has(s)).toBe(true);
  expect(out).toContain(`npm run lab -- down --dir ${dir}`);
}, 120_000);
