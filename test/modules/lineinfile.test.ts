import { chmodSync, lstatSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { lineinfile, type LineinfileArgs } from '../../src/modules/lineinfile.js';
import { BACKUP_SUFFIX_RE } from '../../src/modules/lib/write-file.js';
import { localModuleContext, tempDir } from '../helpers/module-context.js';

let dir: string;
let f: string;
beforeEach(() => {
  dir = tempDir();
  f = join(dir, 'sshd_config');
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const run = (args: LineinfileArgs, o: { check?: boolean; diff?: boolean } = {}) => lineinfile.run(args, localModuleContext(o));
const mode = (p: string) => (statSync(p).mode & 0o7777).toString(8);
const state = () => readdirSync(dir).map((n) => `${n} ${statSync(join(dir, n)).mtimeMs} ${readFileSync(join(dir, n), 'latin1')}`);

describe('lineinfile on a real file', () => {
  it('replaces the matching line; check mode and a second run change nothing', async () => {
    writeFileSync(f, 'Port 22\n#PermitRootLogin yes\nUsePAM yes\n');
    chmodSync(f, 0o600);
    const args = { path: f, regexp: '^#?PermitRootLogin', line: 'PermitRootLogin no' };
    const before = state();
    const predicted = await run(args, { check: true, diff: true });
    expect(predicted).toMatchObject({ changed: true, msg: 'line replaced' });
    expect(state()).toEqual(before);
    const r = await run(args, { diff: true });
    // Ansible's keys only: what changed, not the file's attributes.
    expect(r).toEqual({ changed: true, msg: 'line replaced', backup: '', diff: r.diff });
    expect(r.diff).toEqual({ before: 'Port 22\n#PermitRootLogin yes\nUsePAM yes\n', after: 'Port 22\nPermitRootLogin no\nUsePAM yes\n', path: f });
    expect(readFileSync(f, 'utf8')).toBe('Port 22\nPermitRootLogin no\nUsePAM yes\n');
    expect(mode(f)).toBe('600');
    expect(await run(args)).toMatchObject({ changed: false, msg: '' });
  });

  it('an edited file keeps its mode, execute, setgid and read-only bits included', async () => {
    for (const m of [0o755, 0o2750, 0o444, 0o640]) {
      const p = join(dir, `m${m.toString(8)}`);
      writeFileSync(p, 'a\n');
      chmodSync(p, m);
      expect(await run({ path: p, line: 'b' })).toMatchObject({ changed: true, msg: 'line added' });
      expect([readFileSync(p, 'utf8'), mode(p)]).toEqual(['a\nb\n', m.toString(8)]);
    }
  });

  it('create: makes the file (and its directories) only when asked', async () => {
    const p = join(dir, 'new/dir/hosts');
    expect(await run({ path: p, line: '10.0.0.1 a' })).toMatchObject({ failed: true, changed: false, msg: `Destination ${p} does not exist !` });
    expect(await run({ path: p, line: '10.0.0.1 a', create: true }, { check: true })).toMatchObject({ changed: true });
    expect(readdirSync(dir)).toEqual([]);
    // As Ansible: a new file's mode other than the umask's default is reported too.
    expect(await run({ path: p, line: '10.0.0.1 a', create: true, mode: '0640' })).toMatchObject({ changed: true, msg: 'line added and ownership, perms or SE linux context changed' });
    expect([readFileSync(p, 'utf8'), mode(p)]).toEqual(['10.0.0.1 a\n', '640']);
    const q = join(dir, 'new/dir/default');
    expect(await run({ path: q, line: 'x', create: true, mode: `0${(0o666 & ~process.umask()).toString(8)}` })).toMatchObject({ changed: true, msg: 'line added' });
    expect((await run({ path: p, line: '10.0.0.1 a', create: true, mode: '0640' })).changed).toBe(false);
  });

  it('state=absent removes matches and reports how many', async () => {
    writeFileSync(f, 'a=1\nb\na=2\n');
    expect(await run({ path: f, regexp: '^a=', state: 'absent' }, { check: true })).toMatchObject({ changed: true, found: 2 });
    expect(readFileSync(f, 'utf8')).toBe('a=1\nb\na=2\n');
    expect(await run({ path: f, regexp: '^a=', state: 'absent' })).toMatchObject({ changed: true, found: 2, msg: '2 line(s) removed' });
    expect(readFileSync(f, 'utf8')).toBe('b\n');
    expect(await run({ path: f, regexp: '^a=', state: 'absent' })).toMatchObject({ changed: false, found: 0 });
    expect(await run({ path: join(dir, 'nope'), line: 'x', state: 'absent' })).toMatchObject({ changed: false, msg: 'file not present' });
  });

  it('backup keeps the old version', async () => {
    writeFileSync(f, 'a\n');
    const r = await run({ path: f, line: 'b', backup: true });
    expect(r.backup).toMatch(BACKUP_SUFFIX_RE);
    expect(readFileSync(r.backup as string, 'utf8')).toBe('a\n');
    expect(readFileSync(f, 'utf8')).toBe('a\nb\n');
  });

  it('only the mode differs: changed with Ansible message, content untouched', async () => {
    writeFileSync(f, 'x\n');
    chmodSync(f, 0o644);
    const r = await run({ path: f, line: 'x', mode: '0600' }, { diff: true });
    expect(r).toMatchObject({ changed: true, msg: 'ownership, perms or SE linux context changed' });
    expect(mode(f)).toBe('600');
    expect(r.diff).toEqual({ before: 'mode: 0644\n', after: 'mode: 0600\n', path: f });
    expect((await run({ path: f, line: 'x', mode: '0600' })).changed).toBe(false);
  });

  it('content and mode both change', async () => {
    writeFileSync(f, 'x\n');
    chmodSync(f, 0o644);
    const r = await run({ path: f, line: 'y', mode: 'go-r' });
    expect(r).toMatchObject({ changed: true, msg: 'line added and ownership, perms or SE linux context changed' });
    expect(mode(f)).toBe('600');
  });

  it('edits the target of a symlink and keeps the link', async () => {
    writeFileSync(join(dir, 'real'), 'a\n');
    symlinkSync('real', join(dir, 'link'));
    expect((await run({ path: join(dir, 'link'), line: 'b' })).changed).toBe(true);
    expect(lstatSync(join(dir, 'link')).isSymbolicLink()).toBe(true);
    expect(readFileSync(join(dir, 'real'), 'utf8')).toBe('a\nb\n');
  });

  it('keeps bytes of a file that is not UTF-8', async () => {
    writeFileSync(f, Buffer.from([0x63, 0x61, 0x66, 0xe9, 0x0a])); // "café\n" in latin1
    expect((await run({ path: f, line: 'né' })).changed).toBe(true);
    expect(readFileSync(f)).toEqual(Buffer.concat([Buffer.from([0x63, 0x61, 0x66, 0xe9, 0x0a]), Buffer.from('né\n', 'utf8')]));
  });

  it('keeps UTF-8 text and matches it', async () => {
    writeFileSync(f, 'greeting=héllo\n');
    expect((await run({ path: f, regexp: '^greeting=h.llo$', line: 'greeting=ünïcode' })).changed).toBe(true);
    expect(readFileSync(f, 'utf8')).toBe('greeting=ünïcode\n');
  });
});

describe('lineinfile failures', () => {
  it('path is a directory', async () => {
    mkdirSync(join(dir, 'd'));
    expect(await run({ path: join(dir, 'd'), line: 'x' })).toMatchObject({ failed: true, changed: false, msg: `Path ${join(dir, 'd')} is a directory !` });
  });

  it('bad regexp names the pattern', async () => {
    writeFileSync(f, 'x\n');
    const r = await run({ path: f, regexp: '(unclosed', line: 'y' });
    expect(r).toMatchObject({ failed: true });
    expect(r.msg).toContain('(unclosed');
    expect(readFileSync(f, 'utf8')).toBe('x\n');
  });

  it.each([
    [{ regexp: 'a' }, 'line is required with state=present'],
    [{ line: 'x', backrefs: true }, 'regexp is required with backrefs=true'],
    [{ state: 'absent' }, 'one of line, search_string, or regexp is required with state=absent'],
    [{ line: 'x', insertafter: 'a', insertbefore: 'b' }, 'parameters are mutually exclusive: insertbefore|insertafter'],
    [{ line: 'x', regexp: 'a', search_string: 'b' }, 'parameters are mutually exclusive: regexp|search_string'],
  ] as [Partial<LineinfileArgs>, string][])('%j → %s', async (args, msg) => {
    writeFileSync(f, '');
    expect(await run({ path: f, ...args })).toMatchObject({ failed: true, msg });
  });
});
