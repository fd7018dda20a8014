import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, realpathSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { command } from '../../src/modules/command.js';
import { shlexSplit } from '../../src/modules/lib-cmd/shlex.js';
import { formatDelta, guardProbes } from '../../src/modules/lib-cmd/run.js';
import type { ModuleContext } from '../../src/modules/types.js';
import { localModuleContext, tempDir } from '../helpers/module-context.js';

/** The same context run by BusyBox's sh, when installed: targets may have nothing else. */
function busyboxContext(check = false): ModuleContext {
  return {
    ...localModuleContext({ check }),
    exec: async (script, o) => {
      const r = spawnSync('/bin/busybox', ['sh', '-c', script.text], { input: o?.stdin ?? '', encoding: 'utf8' });
      return { code: r.status ?? 1, stdout: r.stdout, stderr: r.stderr };
    },
  };
}
const shells: [string, (check?: boolean) => ModuleContext][] = [['sh', (check = false) => localModuleContext({ check })]];
if (existsSync('/bin/busybox')) shells.push(['busybox sh', busyboxContext]);

describe.each(shells)('command (%s)', (_name, makeCtx) => {
  const ctx = makeCtx();

  it('returns output exactly, trailing newlines stripped, with lines and timing', async () => {
    const r = await command.run({ cmd: `printf '  a \\n\\nb\\n\\n\\n'` }, ctx);
    expect(r).toMatchObject({ changed: true, rc: 0, stdout: '  a \n\nb', stderr: '', stdout_lines: ['  a ', '', 'b'], stderr_lines: [], msg: '' });
    expect(r.failed).toBeUndefined();
    expect(r.cmd).toEqual(['printf', '  a \\n\\nb\\n\\n\\n']);
    expect(r.start).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{6}$/);
    expect(r.end).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{6}$/);
    expect(r.delta).toMatch(/^0:00:0\d\.\d{6}$/);
    const raw = await command.run({ cmd: `printf 'x\\n\\n'`, strip_empty_ends: false }, ctx);
    expect(raw.stdout).toBe('x\n\n');
  });

  it('keeps stdout and stderr apart and untouched', async () => {
    const r = await command.run({ argv: ['sh', '-c', 'echo out; echo err >&2; echo out2'] }, ctx);
    expect(r).toMatchObject({ stdout: 'out\nout2', stderr: 'err', rc: 0 });
  });

  it('fails on a non-zero rc', async () => {
    const r = await command.run({ argv: ['sh', '-c', 'echo partial; exit 3'] }, ctx);
    expect(r).toMatchObject({ changed: true, failed: true, rc: 3, stdout: 'partial', msg: 'non-zero return code' });
  });

  it('tells "command not found" from a program that exits 127 itself', async () => {
    const nf = await command.run({ cmd: 'no-such-program-xyz --flag' }, ctx);
    expect(nf).toMatchObject({ failed: true, rc: 127, stdout: '', stderr: '', msg: "[Errno 2] No such file or directory: 'no-such-program-xyz'" });
    const own = await command.run({ argv: ['sh', '-c', 'exit 127'] }, ctx);
    expect(own).toMatchObject({ failed: true, rc: 127, msg: 'non-zero return code' });
    const dir = tempDir();
    const noexec = join(dir, 'script');
    writeFileSync(noexec, 'echo hi\n');
    chmodSync(noexec, 0o644);
    expect(await command.run({ cmd: noexec }, ctx)).toMatchObject({ failed: true, rc: 126, msg: `[Errno 13] Permission denied: '${noexec}'` });
    expect(await command.run({ cmd: join(dir, 'missing') }, ctx)).toMatchObject({ failed: true, rc: 127 });
  });

  it('runs the external program even when the shell has a builtin of that name', async () => {
    expect((await command.run({ cmd: 'echo hi' }, ctx)).stdout).toBe('hi');
    expect((await command.run({ cmd: 'pwd', chdir: '/' }, ctx)).stdout).toBe('/');
  });

  it('keeps shell syntax as literal words', async () => {
    const r = await command.run({ cmd: `echo $HOME ; a | b > c 'x  y' "it's" \\$(id) * \`id\` ""` }, ctx);
    expect(r.stdout).toBe("$HOME ; a | b > c x  y it's $(id) * `id` ");
    expect(r.cmd).toEqual(['echo', '$HOME', ';', 'a', '|', 'b', '>', 'c', 'x  y', "it's", '$(id)', '*', '`id`', '']);
    const a = await command.run({ argv: ['printf', '%s|', 'a b', "'", '"', '$(id)', '', '-n', 7] }, ctx);
    expect(a.stdout).toBe(`a b|'|"|$(id)||-n|7|`);
  });

  it('skips when creates exists, runs when it does not (globs too)', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'made.txt'), '');
    const skip = await command.run({ cmd: 'touch ran', chdir: dir, creates: 'made.*' }, ctx);
    expect(skip).toEqual({
      changed: false, rc: 0, stdout: 'skipped, since made.* exists', stderr: '', stdout_lines: ['skipped, since made.* exists'], stderr_lines: [],
      cmd: ['touch', 'ran'], start: null, end: null, delta: null, msg: "Did not run command since 'made.*' exists",
    });
    expect(existsSync(join(dir, 'ran'))).toBe(false);
    const run = await command.run({ cmd: `touch ${join(dir, 'ran')}`, creates: join(dir, 'ran') }, ctx);
    expect(run).toMatchObject({ changed: true, rc: 0 });
    expect(existsSync(join(dir, 'ran'))).toBe(true);
  });

  it('runs when removes exists, skips when it does not', async () => {
    const dir = tempDir();
    const f = join(dir, 'old');
    const skip = await command.run({ argv: ['rm', f], removes: f }, ctx);
    expect(skip).toMatchObject({ changed: false, rc: 0, stdout: `skipped, since ${f} does not exist`, msg: `Did not run command since '${f}' does not exist` });
    expect(skip.failed).toBeUndefined();
    writeFileSync(f, '');
    expect(await command.run({ argv: ['rm', f], removes: f }, ctx)).toMatchObject({ changed: true, rc: 0 });
    expect(existsSync(f)).toBe(false);
  });

  it('changes directory first, and fails clearly when it cannot', async () => {
    const dir = realpathSync(tempDir());
    mkdirSync(join(dir, 'sub dir'));
    expect((await command.run({ cmd: 'pwd', chdir: join(dir, 'sub dir') }, ctx)).stdout).toBe(join(dir, 'sub dir'));
    const bad = await command.run({ cmd: 'pwd', chdir: join(dir, 'nope') }, ctx);
    expect(bad).toMatchObject({ failed: true, changed: false, msg: `Unable to change directory before execution: [Errno 2] No such file or directory: '${join(dir, 'nope')}'` });
  });

  it('feeds stdin, with a newline unless told not to', async () => {
    expect((await command.run({ cmd: 'cat', stdin: 'hello' }, ctx)).stdout).toBe('hello');
    expect(String((await command.run({ cmd: 'wc -c', stdin: 'abc' }, ctx)).stdout).trim()).toBe('4');
    expect(String((await command.run({ cmd: 'wc -c', stdin: 'abc', stdin_add_newline: false }, ctx)).stdout).trim()).toBe('3');
    expect(String((await command.run({ cmd: 'wc -c' }, ctx)).stdout).trim()).toBe('0');
  });

  it('in check mode reports from creates/removes without running', async () => {
    const check = makeCtx(true);
    const dir = tempDir();
    const f = join(dir, 'out');
    expect(command.supportsCheckMode!({ cmd: 'x' })).toBe(false);
    expect(command.supportsCheckMode!({ cmd: 'x', creates: f })).toBe(true);
    const would = await command.run({ cmd: `touch ${f}`, creates: f }, check);
    expect(would).toMatchObject({ changed: true, rc: 0, msg: 'Command would have run if not in check mode' });
    expect(existsSync(f)).toBe(false);
    writeFileSync(f, '');
    const wouldNot = await command.run({ cmd: `rm ${f}`, creates: f }, check);
    expect(wouldNot).toMatchObject({ changed: false, rc: 0, msg: `Would not run command since '${f}' exists` });
    expect((await command.run({ cmd: `rm ${f}`, removes: f }, check)).changed).toBe(true);
    expect(existsSync(f)).toBe(true);
  });

  it('rejects bad arguments', async () => {
    expect(await command.run({ cmd: '  ' }, ctx)).toMatchObject({ failed: true, msg: 'no command given' });
    expect(await command.run({ cmd: 'a', argv: ['a'] }, ctx)).toMatchObject({ failed: true, msg: 'only command or argv can be given, not both' });
    expect(await command.run({ cmd: `echo 'open` }, ctx)).toMatchObject({ failed: true, msg: 'cannot split the command: No closing quotation' });
  });
});

describe('shlexSplit (Python shlex, posix)', () => {
  it('splits like Python', () => {
    expect(shlexSplit(`a "b c" 'd e' f\\ g "h\\"i" "j\\k" 'l\\m' n"o"p ''`)).toEqual(['a', 'b c', 'd e', 'f g', 'h"i', 'j\\k', 'l\\m', 'nop', '']);
    expect(shlexSplit('a # b', { comments: true })).toEqual(['a']);
    expect(shlexSplit('a#b c', { comments: true })).toEqual(['a']);
    expect(shlexSplit('a#b "c#d"')).toEqual(['a#b', 'c#d']);
  });
});

describe('formatDelta', () => {
  it('prints like Python timedelta', () => {
    expect(formatDelta(3054)).toBe('0:00:00.003054');
    expect(formatDelta(3_723_000_005)).toBe('1:02:03.000005');
    expect(formatDelta(90_000_000_000)).toBe('1 day, 1:00:00.000000');
  });

  it('creates/removes that an earlier inspection may settle: absolute, no glob, no ~, no chdir', () => {
    expect(guardProbes({ creates: '/srv/a', removes: '/srv/b' })).toEqual([{ path: '/srv/a' }, { path: '/srv/b' }]);
    expect(guardProbes({ creates: '/srv/a', removes: '' })).toEqual([{ path: '/srv/a' }]);
    for (const unsettled of [{ creates: 'rel' }, { creates: '/srv/*.log' }, { removes: '/srv/[ab]' }, { creates: '~/x' }, { creates: '/srv/a', chdir: '/srv' }, {}, { creates: '/a', removes: 'b?' }]) {
      expect(guardProbes(unsettled)).toEqual([]);
    }
  });
});
