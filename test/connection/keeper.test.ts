// The keeper: SSH connections held between runs (as OpenSSH's ControlPersist), against real
// sshd lab nodes (127.0.16.x) and the built CLI's keeper process.
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import { askKeeper } from '../../src/connection/keeper/kept-client.js';
import { KeeperLink } from '../../src/connection/keeper/link.js';
import { ASK, frame } from '../../src/connection/keeper/wire.js';
import { connectSsh, type SshConnection } from '../../src/connection/ssh.js';
import { UnreachableError, type SshTarget } from '../../src/connection/types.js';
import { labResetNode, type Lab } from '../../src/lab/lab.js';
import { raw } from '../../src/shell/sh.js';
import { CLI, runCli } from '../helpers/cli.js';
import { useLab } from '../helpers/lab.js';

const testLab = useLab(2, 16);
let lab: Lab;
let scratch: string;
let keepers: KeeperLink[] = [];
const warnings: string[] = [];

function target(i = 0, extra: Partial<SshTarget> = {}): SshTarget {
  const n = lab.nodes[i]!;
  return { name: n.name, host: n.address, port: n.port, user: 'root', privateKeyFile: lab.clientKeyFile, knownHostsFile: lab.knownHostsFile, hostKeyChecking: 'yes', ...extra };
}

/** A keeper of its own for one test, in a fresh private dir. */
function newKeeper(idleMs = 60_000, dir = mkdtempSync(join(scratch, 'k-'))): KeeperLink {
  const k = new KeeperLink({ dir, idleMs, command: [process.execPath, CLI], warn: (m) => warnings.push(m) });
  keepers.push(k);
  return k;
}

/** The pid of the sshd process that serves this connection (its shell's nearest sshd ancestor). */
const SSHD_OF_SHELL = raw(`p=$$
while [ "$p" -gt 1 ]; do
  [ "$(cat /proc/$p/comm)" = sshd ] && { printf %s "$p"; exit 0; }
  p=$(awk '/^PPid:/ { print $2 }' /proc/$p/status)
done
exit 1`);

async function sshdOf(c: SshConnection): Promise<number> {
  const r = await c.exec(SSHD_OF_SHELL);
  expect(r.code).toBe(0);
  return Number(r.stdout);
}

/** Connects (through the keeper when given), notes the serving sshd, and lets go. */
async function useOnce(t: SshTarget, keeper?: KeeperLink): Promise<number> {
  const c = await connectSsh(t, keeper);
  try {
    return await sshdOf(c);
  } finally {
    await c.close();
  }
}

const keeperPid = (k: KeeperLink) => Number(spawnSync('pgrep', ['-f', `__keeper ${k.socketPath}`], { encoding: 'utf8' }).stdout.trim().split('\n')[0]);
const alive = (pid: number) => existsSync(`/proc/${pid}`) && !readFileSync(`/proc/${pid}/stat`, 'utf8').includes(') Z ');

async function until(check: () => boolean | Promise<boolean>, ms: number): Promise<boolean> {
  for (const end = Date.now() + ms; Date.now() < end; await new Promise((r) => setTimeout(r, 50))) if (await check()) return true;
  return check();
}

beforeAll(() => {
  lab = testLab.lab;
  scratch = mkdtempSync(join(tmpdir(), 'oasis-keeper-'));
});
afterEach(async () => {
  await Promise.all(keepers.map((k) => askKeeper(k.socketPath, 'quit').catch(() => undefined)));
  keepers = [];
  warnings.length = 0;
});
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe('connections kept between runs', () => {
  test('a second run leases the connection the first one left: same sshd, no new handshake', async () => {
    // Without the keeper each run has an sshd of its own (so the check below can fail).
    expect(await useOnce(target())).not.toBe(await useOnce(target()));
    const k = newKeeper();
    const first = await useOnce(target(), k);
    const second = await useOnce(target(), k);
    expect(second).toBe(first);
    expect(await askKeeper(k.socketPath, 'status')).toMatchObject([{ target: `root@${lab.nodes[0]!.address}:22`, used: 2, leases: 0 }]);
    expect(warnings).toEqual([]);
  });

  test('two runs at once share one connection, each with its own shell', async () => {
    const k = newKeeper();
    const [a, b] = await Promise.all([connectSsh(target(), k), connectSsh(target(), k)]);
    try {
      expect(await sshdOf(a)).toBe(await sshdOf(b));
      expect(a.shellPid).not.toBe(b.shellPid);
      const [ra, rb] = await Promise.all([a.exec(raw('echo a; echo A >&2; exit 3')), b.exec(raw('echo b'))]);
      expect(ra).toMatchObject({ code: 3, stdout: 'a\n', stderr: 'A\n' });
      expect(rb).toMatchObject({ code: 0, stdout: 'b\n' });
      expect((await askKeeper(k.socketPath, 'status'))?.[0]).toMatchObject({ leases: 2, used: 2 });
    } finally {
      await Promise.all([a.close(), b.close()]);
    }
  });

  test("more commands at once than sshd's MaxSessions (10): the one over connects itself", async () => {
    const k = newKeeper();
    const held = await Promise.all(Array.from({ length: 10 }, () => connectSsh(target(), k)));
    try {
      const shared = await sshdOf(held[0]!);
      expect(new Set(await Promise.all(held.map(sshdOf)))).toEqual(new Set([shared]));
      const over = await connectSsh(target(), k);
      try {
        expect(await sshdOf(over)).not.toBe(shared);
        expect((await over.exec(raw('echo over'))).stdout).toBe('over\n');
      } finally {
        await over.close();
      }
    } finally {
      await Promise.all(held.map((c) => c.close()));
    }
  });

  test('megabytes both ways arrive whole (stdin to the script, stdout back)', async () => {
    const k = newKeeper();
    const c = await connectSsh(target(), k);
    try {
      const input = Buffer.alloc(3 * 1024 * 1024, 'oasis-play keeper\n');
      const sum = (await c.exec(raw('sha256sum'), { stdin: input })).stdout.split(' ')[0];
      expect(sum).toBe(spawnSync('sha256sum', { input, encoding: 'utf8' }).stdout.split(' ')[0]);
      const out = await c.exec(raw('head -c 4000000 /dev/zero | tr "\\0" x'));
      expect(out.stdout).toBe('x'.repeat(4_000_000));
    } finally {
      await c.close();
    }
  });

  test('a connection idle for its time closes on the node, and then the keeper exits', async () => {
    const k = newKeeper(400);
    const sshd = await useOnce(target(), k);
    const pid = keeperPid(k);
    expect(alive(pid)).toBe(true);
    expect((await askKeeper(k.socketPath, 'status'))?.[0]?.idleForMs).toBeGreaterThanOrEqual(0);
    // The node's sshd for that connection goes away once the idle time has passed.
    expect(await until(() => !alive(sshd), 5000)).toBe(true);
    expect(await until(() => !alive(pid), 5000)).toBe(true);
    expect(existsSync(k.socketPath)).toBe(false);
  });

  test('a run gone while its connection was still being made: that connection idles out too', async () => {
    const k = newKeeper(300);
    await useOnce(target(0), k); // the keeper runs
    const sshd = lab.nodes[1]!.pid;
    process.kill(sshd, 'SIGSTOP'); // the handshake waits
    try {
      const s = connect(k.socketPath);
      await new Promise((r) => s.once('connect', r));
      s.write(frame(ASK.lease, { target: target(1), idleMs: 300 }));
      await new Promise((r) => setTimeout(r, 300));
      s.destroy();
    } finally {
      process.kill(sshd, 'SIGCONT');
    }
    expect(await until(async () => ((await askKeeper(k.socketPath, 'status')) ?? []).some((c) => c.target.includes(lab.nodes[1]!.address)), 5000)).toBe(true);
    expect(await until(async () => !((await askKeeper(k.socketPath, 'status')) ?? []).some((c) => c.target.includes(lab.nodes[1]!.address)), 5000)).toBe(true);
  });

  test('a node restarted since the last run: the next run connects anew and works', async () => {
    const k = newKeeper();
    const before = await useOnce(target(1), k);
    await labResetNode(lab, lab.nodes[1]!.name);
    const after = await useOnce(target(1), k);
    expect(after).not.toBe(before);
    expect((await askKeeper(k.socketPath, 'status'))?.find((s) => s.target.includes(lab.nodes[1]!.address))).toMatchObject({ used: 1 });
  });

  test('a kept connection that stopped answering (the keeper cannot tell): the run drops it after its timeout and connects anew', async () => {
    const k = newKeeper();
    const t = target(1, { connectTimeoutMs: 1000 });
    const silent = await useOnce(t, k);
    process.kill(silent, 'SIGSTOP'); // its TCP connection stays up; nothing answers on it
    try {
      const started = Date.now();
      const fresh = await useOnce(t, k);
      expect(fresh).not.toBe(silent);
      expect(Date.now() - started).toBeGreaterThanOrEqual(1000);
      expect((await askKeeper(k.socketPath, 'status'))?.map((s) => s.used)).toEqual([1]);
    } finally {
      process.kill(silent, 'SIGKILL');
    }
  });

  test('a host key no longer trusted in known_hosts ends the kept connection, with the error a fresh connection gets', async () => {
    const k = newKeeper();
    const known = join(scratch, 'known_hosts');
    writeFileSync(known, readFileSync(lab.knownHostsFile));
    await useOnce(target(0, { knownHostsFile: known }), k);
    // node1's address now listed with node2's key.
    const lines = readFileSync(lab.knownHostsFile, 'utf8').split('\n');
    const node2Key = lines.find((l) => l.startsWith(`${lab.nodes[1]!.address} `))!.split(' ').slice(1).join(' ');
    writeFileSync(known, `${lab.nodes[0]!.address} ${node2Key}\n`);
    const direct = await connectSsh(target(0, { knownHostsFile: known })).catch((e: unknown) => e);
    const kept = await connectSsh(target(0, { knownHostsFile: known }), k).catch((e: unknown) => e);
    expect(direct).toBeInstanceOf(UnreachableError);
    expect(kept).toBeInstanceOf(UnreachableError);
    expect((kept as UnreachableError).reason).toBe('hostkey');
    expect((kept as Error).message).toBe((direct as Error).message);
  });

  test('a target that cannot be reached gives the same error through the keeper', async () => {
    const k = newKeeper();
    const t = target(0, { port: 2 });
    const direct = (await connectSsh(t).catch((e: unknown) => e)) as UnreachableError;
    const kept = (await connectSsh(t, k).catch((e: unknown) => e)) as UnreachableError;
    expect(kept).toBeInstanceOf(UnreachableError);
    expect({ message: kept.message, reason: kept.reason }).toEqual({ message: direct.message, reason: 'refused' });
  });

  test('a keeper killed under a run: that run sees the host unreachable; the next run starts a new keeper', async () => {
    const k = newKeeper();
    const c = await connectSsh(target(), k);
    spawnSync('kill', ['-KILL', String(keeperPid(k))]);
    const e = await c.exec(raw('true')).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(UnreachableError);
    expect((e as UnreachableError).reason).toBe('closed');
    await c.close();
    // A fresh link, as the next run has: the socket left behind is stale.
    const next = newKeeper(60_000, join(k.socketPath, '..'));
    expect(await useOnce(target(), next)).toBeGreaterThan(1);
    expect(warnings).toEqual([]);
  });

  test("the run's ssh-agent is used, never the one the keeper inherited from the command that started it", async () => {
    const agentDir = mkdtempSync(join(scratch, 'agent-'));
    const agentSocket = join(agentDir, 'agent.sock');
    const agent = spawnSync('ssh-agent', ['-a', agentSocket], { encoding: 'utf8' });
    const agentPid = Number(/SSH_AGENT_PID=(\d+)/.exec(agent.stdout)?.[1]);
    const saved = process.env.SSH_AUTH_SOCK;
    try {
      expect(spawnSync('ssh-add', [lab.clientKeyFile], { env: { ...process.env, SSH_AUTH_SOCK: agentSocket } }).status).toBe(0);
      process.env.SSH_AUTH_SOCK = agentSocket; // the keeper starts with it in its environment
      const k = newKeeper();
      const viaAgent = target(0, { privateKeyFile: undefined, agentSocket });
      expect(await useOnce(viaAgent, k)).toBeGreaterThan(1);
      delete process.env.SSH_AUTH_SOCK;
      // A run without an agent (and without a key) is refused, as it is when it connects itself.
      const noAgent = target(1, { privateKeyFile: undefined });
      await expect(connectSsh(noAgent)).rejects.toMatchObject({ reason: 'auth' });
      await expect(connectSsh(noAgent, k)).rejects.toMatchObject({ reason: 'auth' });
    } finally {
      if (saved === undefined) delete process.env.SSH_AUTH_SOCK;
      else process.env.SSH_AUTH_SOCK = saved;
      if (agentPid) process.kill(agentPid);
    }
  });

  test('a client that sends what the keeper cannot read is dropped; the keeper goes on serving', async () => {
    const k = newKeeper();
    const first = await useOnce(target(), k);
    const s = connect(k.socketPath);
    await new Promise((r) => s.once('connect', r));
    s.write(frame(ASK.lease, '{not json'));
    await new Promise((r) => s.once('close', r));
    expect(await useOnce(target(), k)).toBe(first);
  });

  test('a keeper dir that others may enter is refused, even with a keeper answering there: the run warns once and connects itself', async () => {
    const dir = mkdtempSync(join(scratch, 'open-'));
    const kept = await useOnce(target(), newKeeper(60_000, dir)); // a keeper answers in the dir
    chmodSync(dir, 0o777);
    const k = newKeeper(60_000, dir);
    const c1 = await connectSsh(target(), k);
    const c2 = await connectSsh(target(1), k);
    try {
      expect(await sshdOf(c1)).not.toBe(kept);
    } finally {
      await Promise.all([c1.close(), c2.close()]);
    }
    expect(warnings).toEqual([`SSH connections will not be kept for the next run: ${dir} is open to other users (mode 777); it must be 0700`]);
    expect((await askKeeper(k.socketPath, 'status'))?.[0]).toMatchObject({ used: 1 });
  });
});

describe("a run's shell kept for the next run", () => {
  const status = async (k: KeeperLink) => (await askKeeper(k.socketPath, 'status'))?.[0];

  /** The next run gets a new shell at once (not after a timeout), on the same connection. */
  async function expectNewShellOnSameConnection(k: KeeperLink, old: SshConnection): Promise<void> {
    const started = Date.now();
    const next = await connectSsh(target(), k);
    try {
      expect(Date.now() - started).toBeLessThan(2000);
      expect(next.shellPid).not.toBe(old.shellPid);
      expect((await next.exec(raw('echo fresh'))).stdout).toBe('fresh\n');
      expect(await status(k)).toMatchObject({ used: 2 }); // the connection was not dropped
    } finally {
      await next.close();
    }
  }

  test('a shell closed at rest is the next run\'s shell: no new session on the node', async () => {
    const k = newKeeper();
    const a = await connectSsh(target(), k);
    expect((await a.exec(raw('cd /tmp; X=1; echo one'))).stdout).toBe('one\n');
    await a.close();
    expect(await status(k)).toMatchObject({ used: 1, shellKept: true });
    const b = await connectSsh(target(), k);
    try {
      expect(a.shellPid).toBeGreaterThan(1);
      expect(b.shellPid).toBe(a.shellPid);
      // What a script did stayed in its subshell: the next run starts where a new shell would.
      expect(await b.exec(raw('echo "$(pwd) [${X-}]"'))).toMatchObject({ code: 0, stdout: '/root []\n', stderr: '' });
      expect(await status(k)).toMatchObject({ used: 2, shellKept: false });
    } finally {
      await b.close();
    }
  });

  test('a shell closed while its script runs is not kept: the next run gets a new one', async () => {
    const k = newKeeper();
    const a = await connectSsh(target(), k);
    const running = a.exec(raw('sleep 30')).catch((e: unknown) => e);
    await new Promise((r) => setTimeout(r, 200));
    await a.close();
    expect(await running).toBeInstanceOf(UnreachableError);
    expect(await status(k)).toMatchObject({ shellKept: false });
    const b = await connectSsh(target(), k);
    try {
      expect(b.shellPid).not.toBe(a.shellPid);
      expect((await b.exec(raw('echo two'))).stdout).toBe('two\n');
    } finally {
      await b.close();
    }
  });

  test('what a background job prints while the shell is kept never reaches the next run', async () => {
    const k = newKeeper();
    const a = await connectSsh(target(), k);
    await a.exec(raw('(sleep 0.3; echo LATE; echo LATE >&2) &'));
    await a.close();
    await new Promise((r) => setTimeout(r, 700));
    const b = await connectSsh(target(), k);
    try {
      expect(b.shellPid).toBe(a.shellPid);
      expect(await b.exec(raw('echo next'))).toMatchObject({ code: 0, stdout: 'next\n', stderr: '' });
    } finally {
      await b.close();
    }
  });

  test('a kept shell that ends when checked is replaced by a new one on the same connection, at once', async () => {
    const k = newKeeper();
    const a = await connectSsh(target(), k);
    // In the shared shell itself: its printf now exits on the keeper's check, and only then.
    await a.exec(raw(`printf() { case "$2" in oasis_parked_*) exit 0 ;; esac; command printf "$@"; }`), { inShell: true });
    expect((await a.exec(raw('echo still'))).stdout).toBe('still\n');
    await a.close();
    expect(await status(k)).toMatchObject({ shellKept: true });
    await expectNewShellOnSameConnection(k, a);
  });

  test('a kept shell that died on the node is replaced by a new one on the same connection', async () => {
    const k = newKeeper();
    const a = await connectSsh(target(), k);
    await a.close();
    process.kill(a.shellPid, 'SIGKILL'); // the lab's nodes share our pid namespace
    expect(await until(async () => (await status(k))?.shellKept === false, 5000)).toBe(true);
    await expectNewShellOnSameConnection(k, a);
  });
});

describe('the CLI', () => {
  let runtime: string;
  let work: string;
  const env = () => ({ XDG_RUNTIME_DIR: runtime });
  beforeAll(() => {
    runtime = mkdtempSync(join(scratch, 'xdg-'));
    work = mkdtempSync(join(scratch, 'cli-'));
    writeFileSync(
      join(work, 'site.yml'),
      `- hosts: all\n  gather_facts: false\n  tasks:\n    - shell: |\n${SSHD_OF_SHELL.text.replace(/^/gm, '        ')}\n      register: sshd\n    - debug: { var: sshd.stdout }\n`,
    );
  });
  afterAll(() => runCli(['connections', '--close'], { env: env() }));
  const inventory = () => ['-i', `${lab.nodes[0]!.address},`, '--known-hosts', lab.knownHostsFile, '-e', `ansible_ssh_private_key_file=${lab.clientKeyFile}`, '-e', 'ansible_user=root'];
  const sshdIn = (stdout: string) => /"sshd.stdout": "(\d+)"/.exec(stdout)?.[1];

  test('keeps connections by default: the next run uses the same sshd; `connections` lists and closes them', async () => {
    const a = await runCli(['run', 'site.yml', ...inventory()], { cwd: work, env: env() });
    expect(a.code, a.stderr + a.stdout).toBe(0);
    const b = await runCli(['run', 'site.yml', ...inventory()], { cwd: work, env: env() });
    expect(b.code, b.stderr).toBe(0);
    expect(sshdIn(b.stdout)).toBeDefined();
    expect(sshdIn(b.stdout)).toBe(sshdIn(a.stdout));
    const list = await runCli(['connections'], { env: env() });
    expect(list.stdout).toMatch(new RegExp(`^TARGET +RUNS +OPEN FOR +IDLE FOR +SHELL\\nroot@${lab.nodes[0]!.address.replace(/\./g, '\\.')}:22 +2 +\\d+ s +\\d+ s +kept\\n$`));
    const closed = await runCli(['connections', '--close'], { env: env() });
    expect(closed.stdout).toMatch(/^closed 1 connection\(s\):\n/);
    expect((await runCli(['connections'], { env: env() })).stdout).toBe('no SSH connection is kept open\n');
  });

  test('paths relative to the command (known_hosts, private key) work through the keeper, which runs elsewhere', async () => {
    writeFileSync(join(work, 'kh'), readFileSync(lab.knownHostsFile));
    writeFileSync(join(work, 'key'), readFileSync(lab.clientKeyFile), { mode: 0o600 });
    const relative = ['-i', `${lab.nodes[1]!.address},`, '--known-hosts', 'kh', '-e', 'ansible_ssh_private_key_file=key', '-e', 'ansible_user=root'];
    const a = await runCli(['run', 'site.yml', ...relative], { cwd: work, env: env() });
    expect(a.code, a.stdout + a.stderr).toBe(0);
    const b = await runCli(['run', 'site.yml', ...relative], { cwd: work, env: env() });
    expect(b.code, b.stdout + b.stderr).toBe(0);
    expect(sshdIn(b.stdout)).toBe(sshdIn(a.stdout));
    await runCli(['connections', '--close'], { env: env() });
  });

  test('--persist 0 keeps nothing; a bad --persist is refused', async () => {
    const a = await runCli(['run', 'site.yml', ...inventory(), '--persist', '0'], { cwd: work, env: env() });
    const b = await runCli(['run', 'site.yml', ...inventory(), '--persist', '0'], { cwd: work, env: env() });
    expect([a.code, b.code]).toEqual([0, 0]);
    expect(sshdIn(b.stdout)).not.toBe(sshdIn(a.stdout));
    expect((await runCli(['connections'], { env: env() })).stdout).toBe('no SSH connection is kept open\n');
    const bad = await runCli(['run', 'site.yml', ...inventory(), '--persist', 'soon'], { cwd: work, env: env() });
    expect(bad.code).toBe(5);
    expect(bad.stderr).toContain("--persist must be a number of seconds ≥ 0, got 'soon'");
  });
});
