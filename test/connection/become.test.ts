// become (sudo with a password typed only at sudo's own prompt), over SSH and locally.
import { execFile, execFileSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { LocalConnection } from '../../src/connection/local.js';
import { connectSsh, type SshConnection } from '../../src/connection/ssh.js';
import type { ExecResult, SshTarget } from '../../src/connection/types.js';
import type { Lab } from '../../src/lab/lab.js';
import { useLab } from '../helpers/lab.js';
import { raw, sh } from '../../src/shell/sh.js';

let lab: Lab;
let scratch: string;
const testLab = useLab(1, 3);
const seen: ExecResult[] = []; // every result, checked for the password at the end

function target(user: string): SshTarget {
  const n = lab.nodes[0]!;
  return { name: n.name, host: n.address, port: n.port, user, privateKeyFile: lab.clientKeyFile, knownHostsFile: lab.knownHostsFile, hostKeyChecking: 'yes' };
}
const asUser = () => connectSsh(target(lab.become.user));
const become = () => ({ user: 'root', password: lab.become.password });
const keep = (r: ExecResult) => (seen.push(r), r);
const alive = (pid: number) => existsSync(`/proc/${pid}`) && !readFileSync(`/proc/${pid}/stat`, 'utf8').includes(') Z ');

beforeAll(async () => {
  lab = testLab.lab;
  scratch = mkdtempSync(join(tmpdir(), 'oasis-become-'));
  chmodSync(scratch, 0o777);
});
afterAll(async () => {
  for (const r of seen) expect(`${r.stdout}${r.stderr}`).not.toContain(lab.become.password);
  rmSync(scratch, { recursive: true, force: true });
});

describe('over SSH, logged in as the lab user', () => {
  let c: SshConnection;
  beforeAll(async () => {
    c = await asUser();
  });
  afterAll(() => c.close());

  test('runs as root with the password; nothing of sudo shows in the output', async () => {
    expect(keep(await c.exec(raw('id -un'), { become: become() }))).toMatchObject({ code: 0, stdout: 'root\n', stderr: '' });
    expect(keep(await c.exec(raw('id -un')))).toMatchObject({ code: 0, stdout: `${lab.become.user}\n`, stderr: '' });
    // sudo now remembers the shell (no prompt): the same path must work without writing a password.
    expect(keep(await c.exec(raw('id -un; echo e >&2; exit 4'), { become: become() }))).toMatchObject({ code: 4, stdout: 'root\n', stderr: 'e\n' });
    expect(c.channelsOpened).toBe(1);
  });

  test('the script never reads the channel: stdin is /dev/null or exactly the given bytes', async () => {
    expect(keep(await c.exec(raw('cat; echo done'), { become: become() }))).toMatchObject({ code: 0, stdout: 'done\n' });
    const r = keep(await c.exec(raw('cat; printf "|%s" "$V"'), { become: become(), stdin: "a'b\nno newline", env: { V: 'v $x' } }));
    expect(r).toMatchObject({ code: 0, stdout: "a'b\nno newline|v $x", stderr: '' });
    const bytes = Buffer.from([0, 1, 0xff, 0x27, 10, 0]);
    const hex = keep(await c.exec(raw('od -An -v -tx1 | tr -d " \\n"'), { become: become(), stdin: bytes }));
    expect(hex.stdout).toBe(bytes.toString('hex'));
    const big = 'x'.repeat(1_000_000); // passed as several argv chunks under sudo
    expect((await c.exec(raw('wc -c'), { become: become(), stdin: big })).stdout.trim()).toBe('1000000');
  });

  test('later become execs reuse the sudo credential cache (sudo stays a child of the one shell)', async () => {
    const t0 = performance.now();
    for (let i = 0; i < 50; i++) expect(keep(await c.exec(raw('id -u'), { become: become() })).stdout).toBe('0\n');
    const ms = (performance.now() - t0) / 50;
    console.log(`ssh become exec: ${ms.toFixed(2)} ms/exec over 50 sequential execs`);
    expect(ms).toBeLessThan(100); // a password check alone costs ~45 ms here: see the logged figure
    expect(c.channelsOpened).toBe(1);
  });

  test('become another user', async () => {
    expect(keep(await c.exec(raw('id -un'), { become: { user: 'nobody', password: lab.become.password } })).stdout).toBe('nobody\n');
  });

  test('a timeout under become kills the root process too', async () => {
    const d = await asUser();
    const pidFile = join(scratch, 'become-sleep.pid');
    await expect(d.exec(sh`sleep 30 & echo $! > ${pidFile}; wait`, { become: become(), timeoutMs: 1500 })).rejects.toThrow(/within 1500 ms/);
    const pid = Number(readFileSync(pidFile, 'utf8'));
    await d.close();
    expect(alive(pid)).toBe(false);
  });
});

describe('wrong or missing password', () => {
  test('wrong password fails clearly, fast, and the connection stays usable', async () => {
    const c = await asUser();
    const t0 = Date.now();
    const r = keep(await c.exec(raw('id -un'), { become: { user: 'root', password: 'not-the-password' } }));
    expect(Date.now() - t0).toBeLessThan(8000);
    expect(r.code).not.toBe(0);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/^incorrect sudo password \(become user root\)/);
    expect(r.stderr).not.toContain('not-the-password');
    console.log(`wrong password: ${JSON.stringify(r)} after ${Date.now() - t0} ms`);
    expect(keep(await c.exec(raw('echo still usable')))).toMatchObject({ code: 0, stdout: 'still usable\n', stderr: '' });
    expect(keep(await c.exec(raw('id -un'), { become: become() })).stdout).toBe('root\n');
    await c.close();
  });

  test('password needed but none given: says so instead of hanging', async () => {
    const c = await asUser();
    const r = keep(await c.exec(raw('id -un'), { become: { user: 'root' } }));
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/sudo asked for a password .* no become password was given/);
    expect((await c.exec(raw('echo ok'))).stdout).toBe('ok\n');
    await c.close();
  });
});

test('over SSH as root: become root needs no password and writes none', async () => {
  const c = await connectSsh(target('root'));
  expect(await c.exec(raw('id -un; cat'), { become: { user: 'root' }, stdin: 'in' })).toMatchObject({ code: 0, stdout: 'root\nin', stderr: '' });
  expect(await c.exec(raw('id -un'), { become: { user: lab.become.user } })).toMatchObject({ code: 0, stdout: `${lab.become.user}\n`, stderr: '' });
  await c.close();
});

describe('LocalConnection', () => {
  const local = new LocalConnection();

  test('as root: become with stdin and env, no prompt', async () => {
    expect(await local.exec(raw('id -un; cat; printf "|%s" "$V"'), { become: { user: 'root' }, stdin: 'x\ny', env: { V: "a'b" } })).toEqual({
      code: 0,
      stdout: "root\nx\ny|a'b",
      stderr: '',
    });
    expect(await local.exec(raw('id -un; cat; echo end'), { become: { user: lab.become.user } })).toEqual({
      code: 0,
      stdout: `${lab.become.user}\nend\n`,
      stderr: '',
    });
  });

  test('as the lab user with a password (compiled LocalConnection run by that user)', async () => {
    const out = join(scratch, 'js');
    execFileSync('npx', ['tsc', '--outDir', out, '--rootDir', 'src', '--module', 'nodenext', '--moduleResolution', 'nodenext', '--target', 'es2022', '--skipLibCheck', '--types', 'node', 'src/connection/local.ts']);
    writeFileSync(join(out, 'package.json'), '{"type":"module"}');
    const script = join(out, 'run.mjs');
    writeFileSync(
      script,
      `import { LocalConnection } from './connection/local.js';
import { raw } from './shell/sh.js';
const [password] = (await new Promise((r) => { let s = ''; process.stdin.on('data', (d) => (s += d)).on('end', () => r(s)); })).split('\\n');
const c = new LocalConnection();
const results = [];
for (const pw of [password, 'wrong-password', password, undefined]) {
  const t0 = Date.now();
  results.push({ ms: Date.now() - t0, r: await c.exec(raw('id -un; cat'), { become: { user: 'root', password: pw }, stdin: 'payload' }) });
}
process.stdout.write(JSON.stringify(results));
`,
    );
    execFileSync('chmod', ['-R', 'a+rX', scratch]);
    const run = promisify(execFile);
    const child = run('su', [lab.become.user, '-s', '/bin/sh', '-c', `cd / && sudo -k && node ${script}`], { timeout: 20_000 });
    child.child.stdin!.end(`${lab.become.password}\n`);
    const { stdout } = await child;
    const results = JSON.parse(stdout) as { r: ExecResult }[];
    results.forEach((x) => keep(x.r));
    expect(results[0]!.r).toMatchObject({ code: 0, stdout: 'root\npayload', stderr: '' });
    // sudo caches per parent process: our spawned sudo is a new child each time, so it asks again.
    expect(results[1]!.r.code).not.toBe(0);
    expect(results[1]!.r.stderr).toMatch(/^incorrect sudo password/);
    expect(results[2]!.r).toMatchObject({ code: 0, stdout: 'root\npayload', stderr: '' });
  });
});
