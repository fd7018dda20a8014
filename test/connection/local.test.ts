import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { LocalConnection } from '../../src/connection/local.js';
import { raw, sh } from '../../src/shell/sh.js';

const local = new LocalConnection();
let dir: string;
const alive = (pid: number) => existsSync(`/proc/${pid}`) && !readFileSync(`/proc/${pid}/stat`, 'utf8').includes(') Z ');

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'oasis-local-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

test('exit codes, stderr apart, no trailing newline, signals', async () => {
  expect(await local.exec(raw('printf out; printf err >&2; exit 3'))).toEqual({ code: 3, stdout: 'out', stderr: 'err' });
  expect((await local.exec(raw('kill -9 $$'))).code).toBe(137);
  expect((await local.exec(raw('if then'))).code).toBe(2);
});

test('env is per script; stdin is empty unless given', async () => {
  expect((await local.exec(raw('printf %s "$A"; cat'), { env: { A: "x'y" } })).stdout).toBe("x'y");
  expect((await local.exec(raw('cat'), { stdin: Buffer.from([0, 255, 10]) })).stdout).toBe('\0\ufffd\n');
});

for (const become of [undefined, { user: 'root' }]) {
  test(`a timeout rejects in time and kills the whole tree${become ? ' (become)' : ''}`, async () => {
    const pidFile = join(dir, `sleep${become ? '-b' : ''}.pid`);
    const t0 = Date.now();
    await expect(local.exec(sh`sleep 30 & echo $! > ${pidFile}; wait`, { timeoutMs: 800, become })).rejects.toThrow(/did not finish within 800 ms/);
    expect(Date.now() - t0).toBeLessThan(1500);
    const pid = Number(readFileSync(pidFile, 'utf8'));
    for (let i = 0; i < 30 && alive(pid); i++) await new Promise((r) => setTimeout(r, 100));
    expect(alive(pid)).toBe(false);
  });
}

test('abort signal', async () => {
  const ac = new AbortController();
  setTimeout(() => ac.abort(), 200);
  await expect(local.exec(raw('sleep 30'), { signal: ac.signal })).rejects.toThrow(/aborted/);
  await expect(local.exec(raw('true'), { signal: ac.signal })).rejects.toThrow(/aborted/);
  expect(await local.exec(raw('echo fine'))).toEqual({ code: 0, stdout: 'fine\n', stderr: '' });
});
