// Node ops (`oasis_x <tool> <args>`): what the Perl helper serves must be what the tool does,
// byte for byte, and start no process; everything else must reach the tool. Locally with the
// machine's sh, then over SSH on a real sshd node (127.0.45.x).
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import { LocalConnection } from '../../src/connection/local.js';
import { START_HELPER, sharedShellOps } from '../../src/connection/node-ops.js';
import { connectSsh, type SshConnection } from '../../src/connection/ssh.js';
import type { ExecOptions } from '../../src/connection/types.js';
import { copy } from '../../src/modules/copy.js';
import { INLINE_LIMIT } from '../../src/modules/lib/write-file.js';
import type { Lab } from '../../src/lab/lab.js';
import { STAT_FORMAT } from '../../src/modules/lib/inspect.js';
import { raw, sh, type Shell } from '../../src/shell/sh.js';
import { countedTools } from '../helpers/module-context.js';
import { useLab } from '../helpers/lab.js';

const TOOLS = ['stat', 'mv', 'mkdir', 'ln', 'sha1sum', 'base64'];
const LSTATS = `%N|${STAT_FORMAT}|%n`;
let dir: string;
let counted: ReturnType<typeof countedTools>;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'oasis-ops-'));
  counted = countedTools(join(dir, '.tools'), TOOLS);
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** Runs `script` in sh with the shared shell's ops and a started helper (unless told not to). */
function run(script: string, o: { helper?: boolean; path?: string; tmp?: string } = {}) {
  const r = spawnSync('/bin/sh', ['-c', `${sharedShellOps()}\n${o.helper === false ? '' : START_HELPER}\n${script}`], {
    env: { ...process.env, PATH: o.path ?? counted.env.PATH!, ...(o.tmp && { TMPDIR: o.tmp }) },
    cwd: dir,
    timeout: 20_000,
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr.toString(), started: counted.started() };
}

const q = (p: string) => sh`${p}`.text;
/** Alive and not a zombie (this machine's init may reap late). */
const running = (pid: number) => existsSync(`/proc/${pid}`) && !readFileSync(`/proc/${pid}/stat`, 'utf8').includes(') Z ');

describe('served by the helper, as the tool would', () => {
  test('stat: lstat lines with C-quoted names and link targets, byte for byte, no process', () => {
    writeFileSync(join(dir, 'f'), 'x');
    mkdirSync(join(dir, 'd'));
    chmodSync(join(dir, 'f'), 0o4755);
    const targets = ['f', 'it\'s "quoted"', 'back\\slash', 'new\nline', 'trailing\n', 'pipe|and -> arrow', 'tab\there', 'caf\u00e9', '?\x01\x7f?', 'missing'];
    const paths = [join(dir, 'f'), join(dir, 'd'), ...targets.map((t, i) => (symlinkSync(t, join(dir, `l${i}`)), join(dir, `l${i}`)))];
    const args = [...paths, join(dir, 'gone')].map(q).join(' ');
    const served = run(`LC_ALL=C QUOTING_STYLE=c oasis_x stat -c '${LSTATS}' -- ${args}`);
    const tool = run(`LC_ALL=C QUOTING_STYLE=c stat -c '${LSTATS}' -- ${args}`);
    expect(served.started).toEqual([]);
    expect(tool.started).toEqual(['stat']);
    // Reading a link's target sets its atime (%X): the run that came second may see a later one.
    const noAtime = (out: Buffer) => out.toString('latin1').split('\n').map((line) => line.split('|').map((f, i, all) => (i === all.length - 8 ? 'X' : f)).join('|'));
    expect(noAtime(served.stdout)).toEqual(noAtime(tool.stdout));
    expect(served.stdout.toString().split('\n').length).toBe(paths.length + 1); // a line each (newlines in targets are escaped), then ''
    expect([served.code, tool.code]).toEqual([1, 1]);
    expect(served.stderr).toContain(`'${join(dir, 'gone')}'`);
  });

  test('stat -L follows links; a dangling one fails like the tool', () => {
    writeFileSync(join(dir, 'f'), 'abc');
    symlinkSync(join(dir, 'f'), join(dir, 'l'));
    symlinkSync(join(dir, 'nowhere'), join(dir, 'dangling'));
    const args = `-- ${q(join(dir, 'l'))} ${q(join(dir, 'dangling'))}`;
    const served = run(`oasis_x stat -L -c '${STAT_FORMAT}' ${args}; echo "status $?"`);
    const tool = run(`stat -L -c '${STAT_FORMAT}' ${args}; echo "status $?"`);
    expect(served.started).toEqual([]);
    expect(served.stdout.toString()).toBe(tool.stdout.toString());
    expect(served.stdout.toString()).toMatch(/^81a4\|.*\|3\|.*\nstatus 1\n$/);
  });

  test('mkdir -m with five digits gives that mode exactly, even under a setgid parent; an existing one fails', () => {
    mkdirSync(join(dir, 'g'));
    chmodSync(join(dir, 'g'), 0o2775);
    const served = run(`oasis_x mkdir -m 00750 -- ${q(join(dir, 'g/a'))} && oasis_x mkdir -m 02750 -- ${q(join(dir, 'g/b'))} && oasis_x mkdir -- ${q(join(dir, 'g/c'))}; oasis_x mkdir -- ${q(join(dir, 'g/c'))}; echo "status $?"`);
    const tool = run(`mkdir -m 00750 -- ${q(join(dir, 'g/a2'))} && mkdir -m 02750 -- ${q(join(dir, 'g/b2'))} && mkdir -- ${q(join(dir, 'g/c2'))}`);
    expect(served.started).toEqual([]);
    expect(tool.code).toBe(0);
    const mode = (p: string) => (statSync(join(dir, 'g', p)).mode & 0o7777).toString(8);
    expect(['a', 'b', 'c'].map(mode)).toEqual(['a2', 'b2', 'c2'].map(mode));
    expect(['a', 'b', 'c'].map(mode)).toEqual(['750', '2750', '2755']);
    expect(served.stdout.toString()).toBe('status 1\n');
    expect(served.stderr).toMatch(/^mkdir: cannot create directory '.*\/g\/c': File exists\n$/);
  });

  test('mv -f renames; ln -s links; their failures say so with status 1', () => {
    writeFileSync(join(dir, 'new'), 'new');
    writeFileSync(join(dir, 'old'), 'old');
    const served = run(
      `oasis_x mv -f -- ${q(join(dir, 'new'))} ${q(join(dir, 'old'))} && oasis_x ln -s -- 'old' ${q(join(dir, 'link'))}; ` +
        `oasis_x mv -f -- ${q(join(dir, 'new'))} ${q(join(dir, 'x'))}; echo "mv $?"; oasis_x ln -s -- y ${q(join(dir, 'link'))}; echo "ln $?"`,
    );
    expect(served.started).toEqual([]);
    expect(readFileSync(join(dir, 'old'), 'utf8')).toBe('new');
    expect(existsSync(join(dir, 'new'))).toBe(false);
    expect(readFileSync(join(dir, 'link'), 'utf8')).toBe('new');
    expect(served.stdout.toString()).toBe('mv 1\nln 1\n');
    expect(served.stderr).toMatch(/^mv: cannot move .*No such file or directory\nln: failed to create symbolic link .*File exists\n$/);
  });

  test('sha1sum and base64 print what the tools print, for any bytes and sizes', () => {
    const bytes = Buffer.alloc(57 * 1024 * 2 + 100, 0).map((_, i) => (i * 7) & 0xff);
    writeFileSync(join(dir, 'bin'), bytes);
    writeFileSync(join(dir, 'empty'), '');
    writeFileSync(join(dir, 'small'), 'hello\n');
    const files = ['bin', 'empty', 'small'].map((f) => q(join(dir, f)));
    for (const tool of ['sha1sum', 'base64']) {
      const each = (cmd: string) => (tool === 'base64' ? files.map((f) => `${cmd} -- ${f}`).join('; ') : `${cmd} -- ${files.join(' ')}`);
      const served = run(each(`oasis_x ${tool}`));
      const direct = run(each(tool));
      expect(served.started).toEqual([]);
      expect(direct.started.length).toBeGreaterThan(0);
      expect(served.stdout.equals(direct.stdout)).toBe(true);
    }
    const failed = run(`oasis_x sha1sum -- ${q(dir)} ${files[2]}; echo "status $?"`);
    expect(failed.stdout.toString()).toMatch(/^[0-9a-f]{40} {2}.*small\nstatus 1\n$/);
    expect(failed.stderr).toContain('Is a directory');
  });

  test("its output lands in order among the shell's own", () => {
    writeFileSync(join(dir, 'f'), 'abc');
    const f = q(join(dir, 'f'));
    const r = run(`for i in 1 2 3 4 5; do printf 'size%s=' $i; oasis_x stat -c %s -- ${f}; printf 'sum='; oasis_x sha1sum -- ${f}; done`);
    expect(r.started).toEqual([]);
    expect(r.stdout.toString()).toBe([1, 2, 3, 4, 5].map((i) => `size${i}=3\nsum=a9993e364706816aba3e25717850c26c9cd0d89d  ${join(dir, 'f')}\n`).join(''));
  });

  test('errors go where the caller sent stderr: the channel, stdout, or nowhere', () => {
    const gone = q(join(dir, 'gone'));
    const r = run(`oasis_x stat -c %s -- ${gone} 2>&1; echo "|"; oasis_x stat -c %s -- ${gone} 2>/dev/null; echo "|"`);
    expect(r.started).toEqual([]);
    expect(r.stdout.toString()).toMatch(/^stat: cannot stat '.*gone': No such file or directory\n\|\n\|\n$/);
    expect(r.stderr).toBe('');
  });
});

describe('left to the tool', () => {
  test('captured output, relative paths, output to a file, other formats and options', () => {
    writeFileSync(join(dir, 'f'), 'abcd');
    const f = q(join(dir, 'f'));
    const r = run(
      `x=$(oasis_x stat -c %s -- ${f}); echo "captured $x"; oasis_x stat -c %s -- f; oasis_x stat -c %s -- ${f} > out; cat out; ` +
        `oasis_x stat -c %F -- ${f}; oasis_x stat --printf '%s\\n' ${f}; oasis_x mkdir -m 755 -- ${q(join(dir, 'm'))}`,
    );
    expect(r.stdout.toString()).toBe('captured 4\n4\n4\nregular file\n4\n');
    expect(r.started).toEqual(['stat', 'stat', 'stat', 'stat', 'stat', 'mkdir']);
  });

  test('mv onto a directory moves into it, as mv does', () => {
    writeFileSync(join(dir, 'f'), 'x');
    mkdirSync(join(dir, 'd'));
    const r = run(`oasis_x mv -f -- ${q(join(dir, 'f'))} ${q(join(dir, 'd'))}`);
    expect(r.started).toEqual(['mv']);
    expect(readdirSync(join(dir, 'd'))).toEqual(['f']);
  });

  test('no perl on the node: the tools run, and nothing is left behind', () => {
    writeFileSync(join(dir, 'f'), 'abc');
    const r = run(`echo "helper $oasis_hp"; oasis_x stat -c %s -- ${q(join(dir, 'f'))}`, { path: join(dir, '.tools', 'bin') });
    expect(r.stdout.toString()).toBe('helper 0\n3\n');
    expect(r.started).toEqual(['stat']);
  });

  test('a helper that died: the tool runs, nothing hangs', () => {
    writeFileSync(join(dir, 'f'), 'abc');
    const r = run(`kill "$oasis_hp"; while [ -e "/proc/$oasis_hp" ]; do :; done; oasis_x stat -c %s -- ${q(join(dir, 'f'))}`);
    expect(r.stdout.toString()).toBe('3\n');
    expect(r.started).toEqual(['stat']);
  });

  test('a script in a process of its own (local connection, no helper) has the ops as the tools', async () => {
    writeFileSync(join(dir, 'f'), 'abc');
    const r = await new LocalConnection().exec(sh`oasis_x stat -c %s -- ${join(dir, 'f')}`, { env: counted.env });
    expect(r).toMatchObject({ code: 0, stdout: '3\n' });
    expect(counted.started()).toEqual(['stat']);
  });

  test('the helper ends with its shell and removes its FIFOs', () => {
    const r = run('echo "$oasis_hp $oasis_hi $oasis_ho"');
    const [pid, i, o] = r.stdout.toString().trim().split(' ');
    expect(Number(pid)).toBeGreaterThan(0);
    const deadline = Date.now() + 5000;
    while ((running(Number(pid)) || existsSync(i!)) && Date.now() < deadline) spawnSync('sleep', ['0.05']);
    expect([running(Number(pid)), existsSync(i!), existsSync(o!)]).toEqual([false, false, false]);
  });
});

test('a helper removes the FIFOs of ours that a helper killed outright left, and nothing else', () => {
  const tmp = join(dir, 'tmp');
  mkdirSync(tmp);
  const dead = spawnSync('true').pid!;
  const name = (pid: number, end: string) => join(tmp, `.oasis-helper.${pid}.0123456789ab.${end}`);
  const stale = [name(dead, 'i'), name(dead, 'o')];
  // a live shell's, and a file that is no FIFO
  const kept = [name(process.pid, 'i'), join(tmp, `.oasis-helper.${dead}.fedcba987654.i`)];
  spawnSync('mkfifo', ['-m', '600', ...stale, kept[0]!]);
  writeFileSync(kept[1]!, '');
  const r = run('echo "$oasis_hi"; sleep 0.5', { tmp });
  expect(r.stdout.toString()).toMatch(new RegExp(`^${tmp}/\\.oasis-helper\\.\\d+\\.[0-9a-f]{12}\\.i\\n$`));
  expect(stale.map(existsSync)).toEqual([false, false]);
  expect(kept.map(existsSync)).toEqual([true, true]);
});

describe('over SSH', () => {
  const testLab = useLab(1, 45);
  let lab: Lab;
  let c: SshConnection;
  beforeAll(async () => {
    lab = testLab.lab;
    const n = lab.nodes[0]!;
    c = await connectSsh({ name: n.name, host: n.address, port: n.port, user: 'root', privateKeyFile: lab.clientKeyFile, knownHostsFile: lab.knownHostsFile, hostKeyChecking: 'yes' });
  });

  test('the first script with an op starts one helper; later ones, in subshells or the shell, use it', async () => {
    expect((await c.exec(raw('printf %s "${oasis_hp-unset}"'))).stdout).toBe('unset');
    const f = join(dir, 'f');
    writeFileSync(f, 'abcd');
    const first = await c.exec(sh`oasis_x stat -c %s -- ${f}; printf %s "$oasis_hp"`, { env: counted.env });
    const again = await c.exec(sh`oasis_x stat -c %s -- ${f} && printf %s "$oasis_hp"`, { env: counted.env, stdin: 'x' });
    const inShell = await c.exec(sh`oasis_x stat -c %s -- ${f} && printf %s "$oasis_hp"`, { inShell: true });
    expect(first.stdout).toMatch(/^4\n[1-9]\d*$/);
    expect(again.stdout).toBe(first.stdout);
    expect(inShell.stdout).toBe(first.stdout);
    expect(counted.started()).toEqual([]);
  });

  test('a script with stdin reads it, not the channel, on a shell whose helper is not started yet', async () => {
    const n = lab.nodes[0]!;
    const fresh = await connectSsh({ name: n.name, host: n.address, port: n.port, user: 'root', privateKeyFile: lab.clientKeyFile, knownHostsFile: lab.knownHostsFile, hostKeyChecking: 'yes' });
    try {
      const f = join(dir, 'f');
      writeFileSync(f, 'abcd');
      const r = await fresh.exec(sh`cat; oasis_x stat -c %s -- ${f}`, { stdin: 'payload\n', timeoutMs: 10_000 });
      expect(r).toMatchObject({ code: 0, stdout: 'payload\n4\n' });
      // A copy larger than what travels inline goes on stdin too (modules/lib/write-file.ts).
      const content = Buffer.alloc(INLINE_LIMIT + 1000, 'x');
      const ctx = { check: false, diff: false, exec: (sc: Shell, o?: ExecOptions) => fresh.exec(sc, { ...o, timeoutMs: 10_000 }), readLocalFile: () => Promise.reject(new Error('none')), renderTemplate: () => Promise.reject(new Error('none')) };
      expect(await copy.run({ content: content.toString(), dest: join(dir, 'big') }, ctx)).toMatchObject({ changed: true, size: content.length });
      expect(readFileSync(join(dir, 'big')).equals(content)).toBe(true);
    } finally {
      await fresh.close();
    }
  });

  test('a script that needs its own process ($$) has the ops as the tools', async () => {
    const f = join(dir, 'f');
    writeFileSync(f, 'abcd');
    const r = await c.exec(sh`oasis_x stat -c %s -- ${f}; [ "$$" != "$oasis_hp" ] && echo own`, { env: counted.env });
    expect(r).toMatchObject({ code: 0, stdout: '4\nown\n' });
    expect(counted.started()).toEqual(['stat']);
  });

  test('closing the connection ends the helper and removes its FIFOs', async () => {
    const r = await c.exec(raw('printf "%s %s %s" "$oasis_hp" "$oasis_hi" "$oasis_ho"'));
    const [pid, i, o] = r.stdout.split(' ');
    expect(existsSync(i!)).toBe(true);
    await c.close();
    const deadline = Date.now() + 5000;
    while ((running(Number(pid)) || existsSync(i!)) && Date.now() < deadline) await new Promise((res) => setTimeout(res, 50));
    expect([running(Number(pid)), existsSync(i!), existsSync(o!)]).toEqual([false, false, false]);
  });
});
