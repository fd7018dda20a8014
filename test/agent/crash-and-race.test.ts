// The two promises of the metadata file: kill -9 at any moment never leaves it corrupt or empty,
// and concurrent writers (agent + registry scripts) never lose a service.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, test } from 'vitest';
import { CLI } from '../helpers/cli.js';
import { readValid, registry, tempHome } from './helpers.js';

const WRITER = fileURLToPath(new URL('./fixtures/writer.mjs', import.meta.url));
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function waitFor(ok: () => boolean, ms: number): Promise<void> {
  const end = Date.now() + ms;
  while (!ok()) {
    if (Date.now() > end) throw new Error(`condition not met within ${ms} ms`);
    await sleep(10);
  }
}

function exited(p: ChildProcess): Promise<void> {
  return new Promise((r) => (p.exitCode !== null || p.signalCode !== null ? r() : p.once('exit', () => r())));
}

function ready(p: ChildProcess): Promise<void> {
  return new Promise((resolve, reject) => {
    let out = '';
    p.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      if (out.includes('ready')) resolve();
    });
    p.once('exit', () => reject(new Error(`writer exited before its first write: ${out}`)));
  });
}

test('kill -9 at random moments, 55 times: the file is always whole, valid metadata', async () => {
  const home = tempHome('kill');
  const file = join(home, 'meta-data.json');
  mkdirSync(join(home, '.oasis', 'services'), { recursive: true });
  writeFileSync(join(home, '.oasis', 'services', 'keep_me'), '{"installedAt":"2024-01-01T00:00:00Z"}\n');
  let checks = 0;
  let stopReader = false;
  // A reader beside the writer: every read sees a whole file, never a partial one.
  const reader = (async () => {
    while (!stopReader) {
      if (existsSync(file)) {
        readValid(file);
        checks++;
      }
      await sleep(10);
    }
  })();
  const temps = new Set<string>();
  let lastWrites = 0;
  for (let i = 0; i < 55; i++) {
    const child = spawn(process.execPath, [WRITER, file], { stdio: ['ignore', 'pipe', 'inherit'] });
    await ready(child);
    await sleep(Math.random() * 50);
    child.kill('SIGKILL');
    await exited(child);
    const meta = readValid(file);
    expect(Object.keys(meta.services)).toEqual(['keep_me']);
    lastWrites += Number((meta.labels as Record<string, string>).n);
    // A temp file left behind is a kill that landed between open and rename.
    for (const n of readdirSync(home)) if (n.includes('.tmp.')) temps.add(n);
  }
  stopReader = true;
  await reader;
  // The kills really did land inside writes, and the writers had been writing.
  expect(temps.size).toBeGreaterThan(5);
  expect(lastWrites).toBeGreaterThan(60);
  expect(checks).toBeGreaterThan(50);
  // The next agent breaks the dead writer's lock and clears its temp files.
  const t0 = Date.now();
  const agent = spawn(process.execPath, [CLI, 'agent', '--once'], { env: { ...process.env, HOME: home }, stdio: 'inherit' });
  await exited(agent);
  expect(agent.exitCode).toBe(0);
  expect(Date.now() - t0).toBeLessThan(5000);
  expect(readdirSync(home).filter((n) => n.includes('.tmp.') || n.includes('.lock'))).toEqual([]);
  console.log(`kill -9: 55 kills, ${temps.size} inside a write, ${lastWrites} writes in all, ${checks} concurrent reads, all valid`);
}, 120_000);

test('the agent killed -9 while looping, 20 times: valid file every time', async () => {
  const home = tempHome('kill-agent');
  const file = join(home, 'meta-data.json');
  for (let i = 0; i < 20; i++) {
    const child = spawn(process.execPath, [CLI, 'agent', '--interval', '0.005'], { env: { ...process.env, HOME: home }, stdio: 'ignore' });
    // The first write comes after ~0.6 s (systeminformation samples the CPU for 0.5 s).
    if (i === 0) await waitFor(() => existsSync(file), 10_000);
    await sleep(Math.random() * 1200);
    child.kill('SIGKILL');
    await exited(child);
    if (existsSync(file)) readValid(file);
  }
  expect(existsSync(file)).toBe(true);
}, 60_000);

test('agent looping + 20 parallel registry scripts, 5 rounds: no service lost or resurrected', async () => {
  const home = tempHome('race');
  const agent = spawn(process.execPath, [CLI, 'agent', '--interval', '0.01'], { env: { ...process.env, HOME: home }, stdio: ['ignore', 'ignore', 'pipe'] });
  let agentErr = '';
  agent.stderr!.on('data', (d: Buffer) => (agentErr += d.toString()));
  const agentWrote = () => {
    try {
      return readValid(join(home, 'meta-data.json')).updatedAt as string;
    } catch {
      return undefined;
    }
  };
  try {
    await waitFor(() => agentWrote() !== undefined, 10_000);
    const expected = new Set<string>();
    let scriptMs = 0;
    for (let round = 0; round < 5; round++) {
      // Half add new services, half remove the ones the previous round added.
      const removals = [...expected].slice(0, 10);
      const adds = Array.from({ length: 20 - removals.length }, (_, i) => `svc_r${round}_${i}`);
      const t0 = Date.now();
      const results = await Promise.all([
        ...adds.map((n) => registry(home, 'add', n)),
        ...removals.map((n) => registry(home, 'remove', n)),
      ]);
      scriptMs = Math.max(scriptMs, Date.now() - t0);
      for (const r of results) expect(r).toMatchObject({ code: 0, stdout: 'changed\n' });
      for (const n of removals) expected.delete(n);
      for (const n of adds) expected.add(n);
      // Right after the last script: the file already says exactly what the markers say.
      expect(Object.keys(readValid(join(home, 'meta-data.json')).services).sort()).toEqual([...expected].sort());
      const before = agentWrote();
      await waitFor(() => agentWrote() !== before, 5000); // an agent write in between too
      const meta = readValid(join(home, 'meta-data.json'));
      expect(Object.keys(meta.services).sort()).toEqual([...expected].sort());
      expect(meta.agent).toBeDefined(); // the agent's fields survive the scripts' rewrites
    }
    console.log(`20 parallel registry scripts beside a 10 ms agent loop: slowest batch ${scriptMs} ms`);
  } finally {
    agent.kill('SIGTERM');
    await exited(agent);
  }
  expect(agent.exitCode).toBe(0); // SIGTERM: finishes the current write and leaves
  expect(agentErr).toBe('');
}, 60_000);
