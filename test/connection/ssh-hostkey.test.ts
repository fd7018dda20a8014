// Host key checking against a real sshd lab node (127.0.3.1).
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { connectSsh } from '../../src/connection/ssh.js';
import { UnreachableError, type SshTarget } from '../../src/connection/types.js';
import type { Lab } from '../../src/lab/lab.js';
import { useLab } from '../helpers/lab.js';
import { raw } from '../../src/shell/sh.js';

let lab: Lab;
let dir: string;
let hostLine: string; // the lab's known_hosts line for node1: "127.0.3.1 ssh-ed25519 AAAA..."
const testLab = useLab(1, 3);

function target(knownHostsFile: string, hostKeyChecking: SshTarget['hostKeyChecking']): SshTarget {
  const n = lab.nodes[0]!;
  return { name: n.name, host: n.address, port: n.port, user: 'root', privateKeyFile: lab.clientKeyFile, knownHostsFile, hostKeyChecking };
}

async function works(t: SshTarget): Promise<void> {
  const c = await connectSsh(t);
  expect((await c.exec(raw('hostname'))).stdout).toBe('node1\n');
  await c.close();
}

async function refused(t: SshTarget): Promise<string> {
  const e = await connectSsh(t).catch((x: unknown) => x);
  expect(e).toBeInstanceOf(UnreachableError);
  expect(e).toMatchObject({ reason: 'hostkey' });
  return (e as Error).message;
}

function otherKey(): string {
  const f = join(dir, `k${Math.random().toString(36).slice(2)}`);
  execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', f]);
  return readFileSync(`${f}.pub`, 'utf8').split(' ').slice(0, 2).join(' ');
}

beforeAll(async () => {
  lab = testLab.lab;
  dir = mkdtempSync(join(tmpdir(), 'oasis-hk-'));
  hostLine = readFileSync(lab.knownHostsFile, 'utf8').split('\n').find((l) => l.startsWith('127.0.3.1 '))!;
});
afterAll(async () => {
  rmSync(dir, { recursive: true, force: true });
});

test("the lab's own known_hosts works under yes", () => works(target(lab.knownHostsFile, 'yes')));

test('unknown host under yes: refused, saying how to add it', async () => {
  const file = join(dir, 'empty_known_hosts');
  writeFileSync(file, '# nothing yet\n');
  const msg = await refused(target(file, 'yes'));
  expect(msg).toContain('127.0.3.1:22');
  expect(msg).toContain(`ssh-keyscan -p 22 127.0.3.1 >> ${file}`);
  expect(msg).toContain('--host-key-checking accept-new');
  expect(msg).toMatch(/SHA256:/);
  expect(readFileSync(file, 'utf8')).toBe('# nothing yet\n');
});

test('accept-new creates the file (and its dir), appends the key, and then yes accepts it', async () => {
  const file = join(dir, 'fresh', 'dir', 'known_hosts');
  await works(target(file, 'accept-new'));
  expect(readFileSync(file, 'utf8')).toBe(`${hostLine}\n`);
  await works(target(file, 'yes'));
  await works(target(file, 'accept-new'));
  expect(readFileSync(file, 'utf8')).toBe(`${hostLine}\n`); // not appended twice
});

test('changed key: refused under yes and accept-new, naming file:line and the fix', async () => {
  const file = join(dir, 'changed_known_hosts');
  writeFileSync(file, `# header\n\n127.0.3.1 ${otherKey()}\n`);
  for (const mode of ['yes', 'accept-new'] as const) {
    const msg = await refused(target(file, mode));
    expect(msg).toContain(`host key for 127.0.3.1:22 does not match ${file}:3`);
    expect(msg).toContain(`ssh-keygen -R '127.0.3.1' -f ${file}`);
  }
  await works(target(file, 'no'));
});

test('hashed known_hosts entry is accepted', async () => {
  const file = join(dir, 'hashed_known_hosts');
  copyFileSync(lab.knownHostsFile, file);
  execFileSync('ssh-keygen', ['-q', '-H', '-f', file], { stdio: 'ignore' });
  expect(readFileSync(file, 'utf8')).toMatch(/^\|1\|/);
  await works(target(file, 'yes'));
});

test('revoked key is refused even with a matching entry', async () => {
  const file = join(dir, 'revoked_known_hosts');
  const key = hostLine.split(' ').slice(1).join(' ');
  writeFileSync(file, `${hostLine}\n@revoked * ${key}\n`);
  expect(await refused(target(file, 'yes'))).toContain(`@revoked in ${file}:2`);
});

test('only another key type known: treated as unknown, and says so', async () => {
  const file = join(dir, 'rsa_only');
  const f = join(dir, 'rsakey');
  execFileSync('ssh-keygen', ['-q', '-t', 'rsa', '-b', '2048', '-N', '', '-f', f]);
  writeFileSync(file, `127.0.3.1 ${readFileSync(`${f}.pub`, 'utf8').split(' ').slice(0, 2).join(' ')}\n`);
  expect(await refused(target(file, 'yes'))).toMatch(/not in .*only has ssh-rsa keys/);
});
