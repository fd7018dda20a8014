import { createHash } from 'node:crypto';
import { chmodSync, lstatSync, mkdirSync, readdirSync, readFileSync, readlinkSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { copy } from '../../src/modules/copy.js';
import { BACKUP_SUFFIX_RE } from '../../src/modules/lib/write-file.js';
import { localModuleContext, tempDir } from '../helpers/module-context.js';

let dir: string;
let files: string;
beforeEach(() => {
  dir = tempDir();
  files = tempDir('oasis-files-');
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
  rmSync(files, { recursive: true, force: true });
});

const run = copy.run.bind(copy);
const ctx = (o: { check?: boolean; diff?: boolean } = {}) => localModuleContext({ ...o, filesDir: files });
const mode = (p: string) => (statSync(p).mode & 0o7777).toString(8);
const sha1 = (s: string | Buffer) => createHash('sha1').update(s).digest('hex');
const isRoot = process.getuid?.() === 0;

/** Everything observable about a directory tree, to prove check mode changed nothing. */
function snapshot(root: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (p: string, rel: string) => {
    for (const name of readdirSync(p).sort()) {
      const full = join(p, name);
      const r = rel ? `${rel}/${name}` : name;
      const st = lstatSync(full);
      const meta = `${(st.mode & 0o7777).toString(8)} ${st.uid}:${st.gid} ${st.mtimeMs}`;
      if (st.isSymbolicLink()) out[r] = `link ${readlinkSync(full)} ${meta}`;
      else if (st.isDirectory()) {
        out[r] = `dir ${meta}`;
        walk(full, r);
      } else out[r] = `file ${meta} ${readFileSync(full).toString('base64')}`;
    }
  };
  walk(root, '');
  return out;
}

describe('copy content', () => {
  it('writes the content, reports Ansible return values, and is idempotent', async () => {
    const dest = join(dir, 'motd');
    const r = await run({ dest, content: 'hello\n', mode: '0640' }, ctx());
    expect(r).toMatchObject({ changed: true, dest, checksum: sha1('hello\n'), size: 6, mode: '0640', state: 'file' });
    expect(r.failed).toBeUndefined();
    expect(readFileSync(dest, 'utf8')).toBe('hello\n');
    expect(mode(dest)).toBe('640');
    const again = await run({ dest, content: 'hello\n', mode: '0640' }, ctx());
    expect(again).toMatchObject({ changed: false, mode: '0640', checksum: sha1('hello\n') });
  });

  it('a new file without mode gets the umask default; an existing file keeps its mode', async () => {
    const dest = join(dir, 'f');
    await run({ dest, content: 'a' }, ctx());
    expect(mode(dest)).toBe((0o666 & ~process.umask()).toString(8));
    chmodSync(dest, 0o600);
    await run({ dest, content: 'b' }, ctx());
    expect(mode(dest)).toBe('600');
    expect(readFileSync(dest, 'utf8')).toBe('b');
  });

  it('changes only the mode when the content is the same (symbolic modes too)', async () => {
    const dest = join(dir, 'f');
    writeFileSync(dest, 'same');
    chmodSync(dest, 0o600);
    const r = await run({ dest, content: 'same', mode: 'u=rw,g=r,o=r' }, ctx({ diff: true }));
    expect(r).toMatchObject({ changed: true, mode: '0644' });
    expect(r.diff).toEqual({ before: 'mode: 0600\n', after: 'mode: 0644\n', path: dest });
    expect(mode(dest)).toBe('644');
    expect((await run({ dest, content: 'same', mode: 'u=rw,g=r,o=r' }, ctx())).changed).toBe(false);
    expect((await run({ dest, content: 'same', mode: 0o644 }, ctx())).changed).toBe(false);
  });

  it('check mode reports the change and touches nothing', async () => {
    const dest = join(dir, 'f');
    writeFileSync(dest, 'old\n');
    const before = snapshot(dir);
    const r = await run({ dest, content: 'new\n', mode: '0600', backup: true }, ctx({ check: true, diff: true }));
    expect(r).toMatchObject({ changed: true, mode: '0600' });
    expect(r.diff).toEqual({ before: 'old\n', after: 'new\n', path: dest });
    const created = await run({ dest: join(dir, 'other'), content: 'x' }, ctx({ check: true }));
    expect(created.changed).toBe(true);
    expect(snapshot(dir)).toEqual(before);
  });

  it('diff shows old and new content', async () => {
    const dest = join(dir, 'f');
    writeFileSync(dest, 'a\nb\n');
    const r = await run({ dest, content: 'a\nc\n' }, ctx({ diff: true }));
    expect(r.diff).toEqual({ before: 'a\nb\n', after: 'a\nc\n', path: dest });
    expect((await run({ dest: join(dir, 'n'), content: 'x\n' }, ctx({ diff: true }))).diff).toEqual({ before: '', after: 'x\n', path: join(dir, 'n') });
  });

  it('backup keeps the previous version', async () => {
    const dest = join(dir, 'f');
    writeFileSync(dest, 'v1');
    const r = await run({ dest, content: 'v2', backup: true }, ctx());
    expect(r.backup_file).toMatch(BACKUP_SUFFIX_RE);
    expect(readFileSync(r.backup_file as string, 'utf8')).toBe('v1');
    expect((await run({ dest, content: 'v2', backup: true }, ctx())).backup_file).toBeUndefined();
  });

  it('force: false leaves an existing file alone', async () => {
    const dest = join(dir, 'f');
    writeFileSync(dest, 'mine');
    const r = await run({ dest, content: 'theirs', force: false }, ctx());
    expect(r).toMatchObject({ changed: false, msg: 'file already exists' });
    expect(readFileSync(dest, 'utf8')).toBe('mine');
    expect((await run({ dest: join(dir, 'g'), content: 'theirs', force: false }, ctx())).changed).toBe(true);
  });

  it('follow: false replaces a symlink; follow: true writes its target', async () => {
    writeFileSync(join(dir, 'target'), 'old');
    symlinkSync('target', join(dir, 'link'));
    await run({ dest: join(dir, 'link'), content: 'via link', follow: true }, ctx());
    expect(lstatSync(join(dir, 'link')).isSymbolicLink()).toBe(true);
    expect(readFileSync(join(dir, 'target'), 'utf8')).toBe('via link');
    await run({ dest: join(dir, 'link'), content: 'own file' }, ctx());
    expect(lstatSync(join(dir, 'link')).isFile()).toBe(true);
    expect(readFileSync(join(dir, 'target'), 'utf8')).toBe('via link');
  });

  it.skipIf(!isRoot)('sets owner and group by name or id, only when different', async () => {
    const dest = join(dir, 'owned');
    const r = await run({ dest, content: 'x', owner: 'nobody', group: 0 }, ctx());
    expect(r).toMatchObject({ changed: true, owner: 'nobody', gid: 0 });
    expect(statSync(dest).uid).not.toBe(0);
    expect((await run({ dest, content: 'x', owner: 'nobody', group: '0' }, ctx())).changed).toBe(false);
    const back = await run({ dest, content: 'x', owner: 0 }, ctx());
    expect(back).toMatchObject({ changed: true, uid: 0 });
  });
});

describe('copy src', () => {
  it('copies a controller file, binary-safe', async () => {
    const bytes = Buffer.from([0, 255, 10, 13, 0, 39, 34]);
    writeFileSync(join(files, 'blob.bin'), bytes);
    const dest = join(dir, 'blob.bin');
    const r = await run({ src: 'blob.bin', dest }, ctx());
    expect(r).toMatchObject({ changed: true, src: 'blob.bin', checksum: sha1(bytes), size: bytes.length });
    expect(readFileSync(dest).equals(bytes)).toBe(true);
    expect((await run({ src: 'blob.bin', dest }, ctx())).changed).toBe(false);
  });

  it('into an existing directory: dest/basename(src)', async () => {
    writeFileSync(join(files, 'app.conf'), 'conf');
    const r = await run({ src: 'app.conf', dest: dir }, ctx());
    expect(r).toMatchObject({ changed: true, dest: join(dir, 'app.conf') });
    expect(readFileSync(join(dir, 'app.conf'), 'utf8')).toBe('conf');
  });

  it('dest ending in / is created, with directory_mode', async () => {
    writeFileSync(join(files, 'app.conf'), 'conf');
    const r = await run({ src: 'app.conf', dest: join(dir, 'etc/app') + '/', directory_mode: '0750' }, ctx());
    expect(r).toMatchObject({ changed: true, dest: join(dir, 'etc/app/app.conf') });
    expect(mode(join(dir, 'etc'))).toBe('750');
    expect(mode(join(dir, 'etc/app'))).toBe('750');
    expect((await run({ src: 'app.conf', dest: join(dir, 'etc/app') + '/', directory_mode: '0750' }, ctx())).changed).toBe(false);
  });

  it('a missing src fails with its name', async () => {
    const r = await run({ src: 'nope.txt', dest: join(dir, 'x') }, ctx());
    expect(r).toMatchObject({ failed: true, changed: false });
    expect(r.msg).toContain('nope.txt');
  });
});

describe('copy failures', () => {
  it('missing parent directory', async () => {
    const r = await run({ dest: join(dir, 'no/f'), content: 'x' }, ctx());
    expect(r).toMatchObject({ failed: true, changed: false, msg: `Destination directory ${join(dir, 'no')} does not exist` });
  });

  it('content into a directory', async () => {
    mkdirSync(join(dir, 'd'));
    const r = await run({ dest: join(dir, 'd'), content: 'x' }, ctx());
    expect(r).toMatchObject({ failed: true });
    expect(r.msg).toContain('can not use content with a dir as dest');
    expect(readdirSync(join(dir, 'd'))).toEqual([]);
  });

  it('content and src together, or neither', async () => {
    expect((await run({ dest: join(dir, 'f'), content: 'x', src: 'y' }, ctx())).failed).toBe(true);
    expect((await run({ dest: join(dir, 'f') }, ctx())).failed).toBe(true);
  });

  it('an invalid mode fails before anything happens', async () => {
    const r = await run({ dest: join(dir, 'f'), content: 'x', mode: '0999' }, ctx());
    expect(r).toMatchObject({ failed: true });
    expect(r.msg).toMatch(/invalid mode/);
    expect(readdirSync(dir)).toEqual([]);
  });

  it('schema rejects unknown parameters and names required ones', () => {
    expect(copy.schema).toMatchObject({ additionalProperties: false, required: ['dest'] });
  });
});
