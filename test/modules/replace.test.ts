import { mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BACKUP_SUFFIX_RE } from '../../src/modules/lib/write-file.js';
import { replace, type ReplaceArgs } from '../../src/modules/replace.js';
import { localModuleContext, tempDir } from '../helpers/module-context.js';

let dir: string;
let f: string;
beforeEach(() => {
  dir = tempDir();
  f = join(dir, 'file');
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));
const run = (args: ReplaceArgs, o: { check?: boolean; diff?: boolean } = {}) => replace.run(args, localModuleContext(o));

// [name, original, args, expected text, replacements]
const cases: [string, string, Omit<ReplaceArgs, 'path'>, string, number][] = [
  ['groups in the replacement', '127.0.0.1 old.host.name  x\n', { regexp: '(\\s+)old\\.host\\.name(\\s+.*)?$', replace: '\\1new.host.name\\2' }, '127.0.0.1 new.host.name  x\n', 1],
  ['MULTILINE: ^ and $ at every line', 'a\nb\n', { regexp: '^(.+)$', replace: '# \\1' }, '# a\n# b\n', 2],
  ['default replacement deletes', 'keep drop keep\n', { regexp: ' drop' }, 'keep keep\n', 1],
  ['named groups', 'ListenAddress 1.2.3.4\n', { regexp: '^(?P<dctv>ListenAddress[ ]+)(?P<host>[^\\n]+)$', replace: '#\\g<dctv>\\g<host>\\n\\g<dctv>0.0.0.0' }, '#ListenAddress 1.2.3.4\nListenAddress 0.0.0.0\n', 1],
  ['only after the after= match', 'x=1\n[s]\nx=1\n', { regexp: '^x=1$', replace: 'x=2', after: '\\[s\\]' }, 'x=1\n[s]\nx=2\n', 1],
  ['only before the before= match', 'x=1\n[s]\nx=1\n', { regexp: '^x=1$', replace: 'x=2', before: '\\[s\\]' }, 'x=2\n[s]\nx=1\n', 1],
  ['between after and before', 'v\n<V>\nv\n</V>\nv\n', { regexp: '^v$', replace: 'w', after: '(?m)^<V>', before: '</V>' }, 'v\n<V>\nw\n</V>\nv\n', 1],
];

describe('replace', () => {
  it.each(cases)('%s', async (_n, original, args, expected, count) => {
    writeFileSync(f, original);
    const r = await run({ path: f, ...args }, { diff: true });
    expect(r).toMatchObject({ changed: true, msg: `${count} replacements made`, diff: { before: original, after: expected, path: f } });
    expect(readFileSync(f, 'utf8')).toBe(expected);
    if (!args.replace?.includes('\\1') && !args.replace?.includes('\\g')) expect((await run({ path: f, ...args })).changed).toBe(false);
  });

  it('no match, or a match that changes nothing: unchanged', async () => {
    writeFileSync(f, 'a\n');
    expect(await run({ path: f, regexp: 'zzz', replace: 'y' })).toMatchObject({ changed: false, msg: '' });
    expect(await run({ path: f, regexp: 'a', replace: 'a' })).toMatchObject({ changed: false });
  });

  it('after/before that do not match', async () => {
    writeFileSync(f, 'a\n');
    const r = await run({ path: f, regexp: 'a', replace: 'b', after: 'nothing' });
    expect(r).toMatchObject({ changed: false });
    expect(r.msg).toContain('Pattern for before/after params did not match the given file');
  });

  it('check mode writes nothing; backup keeps the old file', async () => {
    writeFileSync(f, 'old\n');
    const mtime = statSync(f).mtimeMs;
    expect(await run({ path: f, regexp: 'old', replace: 'new' }, { check: true })).toMatchObject({ changed: true });
    expect(statSync(f).mtimeMs).toBe(mtime);
    expect(readFileSync(f, 'utf8')).toBe('old\n');
    const r = await run({ path: f, regexp: 'old', replace: 'new', backup: true });
    expect(r.backup_file).toMatch(BACKUP_SUFFIX_RE);
    expect(readFileSync(r.backup_file as string, 'utf8')).toBe('old\n');
    expect(readFileSync(f, 'utf8')).toBe('new\n');
  });

  it('fails clearly: missing file, directory, bad pattern', async () => {
    expect(await run({ path: join(dir, 'nope'), regexp: 'a' })).toMatchObject({ failed: true, msg: `Path ${join(dir, 'nope')} does not exist !` });
    mkdirSync(join(dir, 'd'));
    expect(await run({ path: join(dir, 'd'), regexp: 'a' })).toMatchObject({ failed: true, msg: `Path ${join(dir, 'd')} is a directory !` });
    writeFileSync(f, 'a\n');
    const bad = await run({ path: f, regexp: 'a', replace: '\\3' });
    expect(bad).toMatchObject({ failed: true });
    expect(bad.msg).toContain('invalid group reference');
  });
});
