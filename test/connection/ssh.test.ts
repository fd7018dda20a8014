// SshConnection against real sshd lab nodes (127.0.3.x).
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { connectSsh, type SshConnection } from '../../src/connection/ssh.js';
import { UnreachableError, type SshTarget } from '../../src/connection/types.js';
import { labStopNode, type Lab } from '../../src/lab/lab.js';
import { useLab } from '../helpers/lab.js';
import { raw, sh } from '../../src/shell/sh.js';

let lab: Lab;
let scratch: string; // /tmp is shared between the nodes and us
const testLab = useLab(2, 3);

function target(i = 0, extra: Partial<SshTarget> = {}): SshTarget {
  const n = lab.nodes[i]!;
  return {
    name: n.name,
    host: n.address,
    port: n.port,
    user: 'root',
    privateKeyFile: lab.clientKeyFile,
   
    knownHostsFile: lab.knownHostsFile,
    hostKeyChecking: 'yes',
    ...extra,
  };
}

const alive = (pid: number) => existsSync(`/proc/${pid}`) && !readFileSync(`/proc/${pid}/stat`, 'utf8').includes(') Z ');

beforeAll(async () => {
  lab = testLab.lab;
  scratch = mkdtempSync(join(tmpdir(), 'oasis-ssh-'));
});
afterAll(async () => {
  rmSync(scratch, { recursive: true, force: true });
});

describe('one persistent shell', () => {
  let c: SshConnection;
  beforeAll(async () => {
    c = await connectSsh(target());
  });
  afterAll(() => c.close());

  test('many sequential execs use exactly one session channel and one shell, each script apart from it', async () => {
    const parents = new Set<string>();
    const pids = new Set<string>();
    for (let i = 0; i < 25; i++) {
      // A plain script runs in a subshell: the read builtin's /proc/self is that subshell.
      const [pid, , , ppid] = (await c.exec(raw('read -r stat < /proc/self/stat; printf %s "$stat"'))).stdout.split(' ');
      pids.add(pid!);
      parents.add(ppid!);
      // A script naming $$ gets a process of its own, so that $$ is not the shell's.
      const [own, ownParent] = (await c.exec(raw('printf "%s %s" "$$" "$PPID"'))).stdout.split(' ');
      pids.add(own!);
      parents.add(ownParent!);
    }
    expect(parents).toEqual(new Set([String(c.shellPid)]));
    expect(pids.size).toBe(50);
    expect(pids.has(String(c.shellPid))).toBe(false);
    expect(c.channelsOpened).toBe(1);
  });

  test('200 execs: one round trip each', async () => {
    const t0 = performance.now();
    for (let i = 0; i < 200; i++) await c.exec(sh`printf %s ${i}`);
    const ms = (performance.now() - t0) / 200;
    console.log(`ssh exec: ${ms.toFixed(2)} ms/exec over 200 sequential execs`);
    expect(ms).toBeLessThan(20);
    expect(c.channelsOpened).toBe(1);
  });

  test('exit codes, stderr kept apart, no trailing newline', async () => {
    expect(await c.exec(raw('echo out; echo err >&2; exit 3'))).toMatchObject({ code: 3, stdout: 'out\n', stderr: 'err\n' });
    expect(await c.exec(raw('printf abc; printf def >&2'))).toMatchObject({ code: 0, stdout: 'abc', stderr: 'def' });
    expect(await c.exec(raw(''))).toMatchObject({ code: 0, stdout: '', stderr: '' });
    expect((await c.exec(raw('false'))).code).toBe(1);
    expect((await c.exec(raw('kill -9 $$'))).code).toBe(137);
  });

  test('exit and syntax errors stay inside the script', async () => {
    expect((await c.exec(raw('echo a; exit 3; echo b'))).stdout).toBe('a\n');
    const bad = await c.exec(raw('echo x; if then fi (('));
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/syntax error/i);
    expect(await c.exec(raw("echo 'unterminated"))).toMatchObject({ code: 2 });
    expect(await c.exec(raw('exec >&-; exec 2>&-; exit 5'))).toMatchObject({ code: 5, stdout: '', stderr: '' });
    expect(await c.exec(raw('echo still here'))).toMatchObject({ code: 0, stdout: 'still here\n', stderr: '' });
  });

  test('inShell runs a script in the shared shell itself (no fork); a syntax error there does not end it; env or stdin run it apart', async () => {
    const parent = raw('sh -c \'echo $PPID\'');
    expect((await c.exec(parent, { inShell: true })).stdout).toBe(`${c.shellPid}\n`);
    expect((await c.exec(parent)).stdout).not.toBe(`${c.shellPid}\n`);
    const bad = await c.exec(raw('echo x; if then fi (('), { inShell: true });
    expect([bad.code, bad.stderr]).toEqual([2, expect.stringMatching(/syntax error/i)]);
    expect((await c.exec(raw('echo alive'), { inShell: true })).stdout).toBe('alive\n');
    expect((await c.exec(parent, { inShell: true, env: { X: '1' } })).stdout).not.toBe(`${c.shellPid}\n`);
    expect((await c.exec(raw('cat'), { inShell: true, stdin: 'in' })).stdout).toBe('in');
    expect((await c.exec(raw('echo "[$X]"'))).stdout).toBe('[]\n');
  });

  test('script state does not leak between execs; env is per script', async () => {
    await c.exec(raw('cd /tmp; X=1; export Y=2; set -e; trap "echo trapped" EXIT'));
    expect((await c.exec(raw('pwd; echo "${X-unset} ${Y-unset}"'))).stdout).toBe('/root\nunset unset\n');
    expect((await c.exec(raw('printf %s "$A|$B"'), { env: { A: "it's $HOME", B: '' } })).stdout).toBe("it's $HOME|");
    expect((await c.exec(raw('printf %s "${A-unset}"'))).stdout).toBe('unset');
    await expect(c.exec(raw('true'), { env: { 'bad name': 'x' } })).rejects.toThrow(/invalid environment variable name/);
    expect((await c.exec(raw('echo ok'))).stdout).toBe('ok\n');
  });

  test('stdin is /dev/null unless given, then exactly those bytes', async () => {
    expect(await c.exec(raw('cat; echo end'))).toMatchObject({ stdout: 'end\n' });
    expect((await c.exec(raw('cat'), { stdin: 'no newline at end' })).stdout).toBe('no newline at end');
    expect((await c.exec(raw('cat'), { stdin: '' })).stdout).toBe('');
    const bytes = Buffer.from([0xff, 0xfe, 0x27, 0x0a, 0x00, 0x80, 0x5c, 0x24]);
    expect((await c.exec(raw('od -An -v -tx1 | tr -d " \\n"'), { stdin: bytes })).stdout).toBe(bytes.toString('hex'));
  });

  test('5 MB of output and of stdin arrive intact', async () => {
    const expected = Array.from({ length: 700_000 }, (_, i) => `${i + 1}\n`).join('');
    const r = await c.exec(raw('seq 1 700000; seq 1 700000 >&2'));
    expect(r.stdout.length).toBeGreaterThan(4_000_000);
    expect(r.stdout === expected).toBe(true);
    expect(r.stderr === expected).toBe(true);
    const euros = '€'.repeat(2_000_000); // 6 MB, multi-byte characters split across packets
    const back = await c.exec(raw('cat; printf "\\n%s" "$(printf €)"'), { stdin: euros });
    expect(back.stdout === `${euros}\n€`).toBe(true);
  });

  test('a script of its own process (naming $$) or under become is refused over 128 KiB (one argument), a subshell has no such limit', async () => {
    expect((await c.exec(sh`printf %s ${'x'.repeat(120_000)}; : $$`)).stdout).toHaveLength(120_000);
    await expect(c.exec(raw(`: $$ #${'x'.repeat(140_000)}`))).rejects.toThrow(/over the 128 KiB .* pass data on stdin/);
    expect((await c.exec(sh`printf %s ${'x'.repeat(300_000)}`)).stdout).toHaveLength(300_000);
    await expect(c.exec(raw('cat'), { become: { user: 'root' }, stdin: 'x'.repeat(2_000_000) })).rejects.toThrow(/too large under become/);
    expect((await c.exec(raw('echo ok'))).stdout).toBe('ok\n');
  });

  test('concurrent execs on one connection are serialized', async () => {
    const file = join(scratch, 'order');
    const results = await Promise.all(
      Array.from({ length: 40 }, (_, i) =>
        c.exec(sh`printf '%s\n' ${i} >> ${file}; sleep 0.00${i % 3}; printf %s ${i}; printf %s ${`e${i}`} >&2`, i % 2 ? { stdin: `in${i}` } : {}),
      ),
    );
    results.forEach((r, i) => expect(r).toMatchObject({ code: 0, stdout: String(i), stderr: `e${i}` }));
    expect(readFileSync(file, 'utf8')).toBe(Array.from({ length: 40 }, (_, i) => `${i}\n`).join(''));
    // Each result carries its script's number; the count is at the last one.
    const first = results[0]!.seq!;
    expect(results.map((r) => r.seq)).toEqual(Array.from({ length: 40 }, (_, i) => first + i));
    expect(c.execCount).toBe(first + 39);
    expect(c.channelsOpened).toBe(1);
  });
});

describe('failures', () => {
  test('a timeout fails the exec in time, kills the remote processes and closes the connection', async () => {
    const c = await connectSsh(target());
    const pidFile = join(scratch, 'sleep.pid');
    const t0 = Date.now();
    const queued = c.exec(raw('echo never'));
    const slow = c.exec(sh`sleep 30 & echo $! > ${pidFile}; wait`, { timeoutMs: 1500 });
    const after = c.exec(raw('echo never'));
    await expect(queued).resolves.toMatchObject({ stdout: 'never\n' });
    await expect(slow).rejects.toThrow(/did not finish within 1500 ms/);
    expect(Date.now() - t0).toBeLessThan(2500);
    await expect(after).rejects.toBeInstanceOf(UnreachableError);
    await expect(c.exec(raw('true'))).rejects.toMatchObject({ reason: 'closed' });
    const pid = Number(readFileSync(pidFile, 'utf8'));
    expect(pid).toBeGreaterThan(0);
    await c.close();
    expect(alive(pid)).toBe(false);
  });

  test('an abort signal behaves like a timeout', async () => {
    const c = await connectSsh(target());
    const ac = new AbortController();
    setTimeout(() => ac.abort(), 300);
    await expect(c.exec(raw('sleep 30'), { signal: ac.signal })).rejects.toThrow(/aborted/);
    await expect(c.exec(raw('true'))).rejects.toMatchObject({ reason: 'closed' });
    await c.close();
  });

  test('when the remote shell dies, the running and later execs fail as unreachable (closed)', async () => {
    const c = await connectSsh(target());
    const t0 = Date.now();
    const dying = c.exec(raw('kill -9 $PPID; sleep 5'));
    const later = c.exec(raw('true'));
    await expect(dying).rejects.toMatchObject({ name: 'UnreachableError', reason: 'closed' });
    await expect(later).rejects.toMatchObject({ reason: 'closed' });
    expect(Date.now() - t0).toBeLessThan(2000);
    await c.close();
  });

  test('exec after close is rejected', async () => {
    const c = await connectSsh(target());
    await c.close();
    await expect(c.exec(raw('true'))).rejects.toMatchObject({ reason: 'closed' });
  });

  test('wrong key: auth; missing key file: auth', async () => {
    const other = join(scratch, 'otherkey');
    const { execFileSync } = await import('node:child_process');
    execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', other]);
    const e = await connectSsh(target(0, { privateKeyFile: other })).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(UnreachableError);
    expect(e).toMatchObject({ reason: 'auth' });
    expect((e as Error).message).toContain(`root@${lab.nodes[0]!.address}:22`);
    await expect(connectSsh(target(0, { privateKeyFile: join(scratch, 'nope') }))).rejects.toMatchObject({ reason: 'auth' });
    await expect(connectSsh(target(0, { password: 'not-the-password', privateKeyFile: undefined }))).rejects.toMatchObject({ reason: 'auth' });
  });

  test('a port that accepts TCP but never speaks SSH: timeout', async () => {
    const net = await import('node:net');
    const server = net.createServer(() => {});
    await new Promise<void>((r) => server.listen(0, '127.0.3.250', r));
    const port = (server.address() as { port: number }).port;
    try {
      const t0 = Date.now();
      const e = await connectSsh({ ...target(), host: '127.0.3.250', port, connectTimeoutMs: 800 }).catch((x: unknown) => x);
      expect(e).toMatchObject({ reason: 'timeout' });
      expect((e as Error).message).toContain(`127.0.3.250:${port}`);
      expect(Date.now() - t0).toBeLessThan(3000);
    } finally {
      server.close();
    }
  });

  test('a login shell that prints on startup does not disturb the frames', async () => {
    const rc = join(lab.nodes[1]!.root, 'root', '.bashrc');
    const { writeFileSync } = await import('node:fs');
    writeFileSync(rc, 'echo chatty login; echo chatty err >&2\n');
    try {
      const c = await connectSsh(target(1));
      expect(c.shellPid).toBeGreaterThan(1);
      expect(await c.exec(raw('echo clean'))).toMatchObject({ code: 0, stdout: 'clean\n', stderr: '' });
      await c.close();
    } finally {
      rmSync(rc);
    }
  });

  test('stopped node: refused', async () => {
    await labStopNode(lab, 'node2');
    const e = await connectSsh(target(1)).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(UnreachableError);
    expect(e).toMatchObject({ reason: 'refused' });
    expect((e as Error).message).toMatch(/127\.0\.3\.2:22.*refused/);
  });
});
