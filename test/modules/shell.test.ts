import { existsSync, readFileSync, realpathSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { shell } from '../../src/modules/shell.js';
import { localModuleContext, tempDir } from '../helpers/module-context.js';

describe('shell', () => {
  const ctx = localModuleContext();

  it('runs pipes, variables and redirects; cmd is the text', async () => {
    const dir = tempDir();
    const code = `x=world; printf 'b\\na\\n' | sort | head -n 1; echo "hello $x" > out.txt; cat out.txt`;
    const r = await shell.run({ cmd: code, chdir: dir }, ctx);
    expect(r).toMatchObject({ changed: true, rc: 0, stdout: 'a\nhello world', stderr: '', cmd: code, stdout_lines: ['a', 'hello world'] });
    expect(readFileSync(join(dir, 'out.txt'), 'utf8')).toBe('hello world\n');
  });

  it('passes quotes and special characters through untouched', async () => {
    const r = await shell.run({ cmd: `echo "it's" '$HOME' "\\$(x)"; echo err >&2` }, ctx);
    expect(r).toMatchObject({ stdout: "it's $HOME $(x)", stderr: 'err' });
  });

  it('reports a failing script like Ansible (rc kept, command-not-found included)', async () => {
    expect(await shell.run({ cmd: 'echo before; exit 5' }, ctx)).toMatchObject({ failed: true, rc: 5, stdout: 'before', msg: 'non-zero return code' });
    const nf = await shell.run({ cmd: 'no-such-program-xyz' }, ctx);
    expect(nf).toMatchObject({ failed: true, rc: 127, msg: 'non-zero return code' });
    expect(nf.stderr).toMatch(/no-such-program-xyz/);
  });

  it('uses the executable given, and fails clearly when it is missing', async () => {
    if (existsSync('/bin/bash')) {
      const r = await shell.run({ cmd: 'echo ${BASH_VERSION:+bash}; [[ a == a ]] && echo ok', executable: '/bin/bash' }, ctx);
      expect(r.stdout).toBe('bash\nok');
    }
    const r = await shell.run({ cmd: 'echo hi', executable: '/no/such/shell' }, ctx);
    expect(r).toMatchObject({ failed: true, rc: 127, msg: "[Errno 2] No such file or directory: '/no/such/shell'" });
  });

  it('gives stdin to the script', async () => {
    expect((await shell.run({ cmd: 'read a; read b || true; echo "[$a][$b]"', stdin: 'one' }, ctx)).stdout).toBe('[one][]');
  });

  it('honours creates and removes', async () => {
    const dir = realpathSync(tempDir());
    const f = join(dir, 'flag');
    const first = await shell.run({ cmd: `echo made > '${f}'`, creates: f }, ctx);
    expect(first).toMatchObject({ changed: true, rc: 0 });
    const again = await shell.run({ cmd: `echo again > '${f}'`, creates: f }, ctx);
    expect(again).toMatchObject({ changed: false, rc: 0, stdout: `skipped, since ${f} exists` });
    expect(readFileSync(f, 'utf8')).toBe('made\n');
    expect(await shell.run({ cmd: `rm '${f}'`, removes: f }, ctx)).toMatchObject({ changed: true });
    expect(await shell.run({ cmd: `rm '${f}'`, removes: f }, ctx)).toMatchObject({ changed: false, stdout: `skipped, since ${f} does not exist` });
  });

  it('in check mode decides from creates without running anything', async () => {
    const check = localModuleContext({ check: true });
    const dir = tempDir();
    const f = join(dir, 'x');
    expect(shell.supportsCheckMode!({ cmd: 'x' })).toBe(false);
    expect(shell.supportsCheckMode!({ cmd: 'x', removes: f })).toBe(true);
    expect(await shell.run({ cmd: `touch '${f}'`, creates: f }, check)).toMatchObject({ changed: true, msg: 'Command would have run if not in check mode' });
    expect(existsSync(f)).toBe(false);
    writeFileSync(f, '');
    expect(await shell.run({ cmd: `rm '${f}'`, creates: f }, check)).toMatchObject({ changed: false, msg: `Would not run command since '${f}' exists` });
    expect(existsSync(f)).toBe(true);
  });

  it('describes itself', () => {
    expect(shell.freeForm).toBe('cmd');
    expect(shell.schema).toMatchObject({ type: 'object', required: ['cmd'], additionalProperties: false });
  });
});
