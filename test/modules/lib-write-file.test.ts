import { chmodSync, chownSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, lstatSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BACKUP_SUFFIX_RE, INLINE_LIMIT, STDIN_LIMIT, writeFile } from '../../src/modules/lib/write-file.js';
import { localModuleContext, tempDir } from '../helpers/module-context.js';
import { LocalConnection } from '../../src/connection/local.js';

let dir: string;
beforeEach(() => {
  dir = tempDir();
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const ctx = localModuleContext();
const mode = (p: string) => statSync(p).mode & 0o7777;
const umask = process.umask();

describe('writeFile', () => {
  it('creates a file with the umask mode and exact content, quotes and all', async () => {
    const p = join(dir, 'a b.txt');
    const text = `it's "quoted" $(echo no) \`no\` \\ %s %% \n\ttabs\nno final newline`;
    const r = await writeFile(ctx, { path: p, content: Buffer.from(text) });
    expect(r.ok).toBe(true);
    expect(readFileSync(p, 'utf8')).toBe(text);
    expect(mode(p)).toBe(0o666 & ~umask);
    if (r.ok) expect(r.stat?.size).toBe(Buffer.byteLength(text));
  });

  it('keeps the mode of an existing file unless a mode is given', async () => {
    const p = join(dir, 'f');
    writeFileSync(p, 'old');
    chmodSync(p, 0o600);
    await writeFile(ctx, { path: p, content: Buffer.from('new') });
    expect(mode(p)).toBe(0o600);
    await writeFile(ctx, { path: p, content: Buffer.from('newer'), mode: 0o640 });
    expect(mode(p)).toBe(0o640);
    expect(readFileSync(p, 'utf8')).toBe('newer');
  });


  it.skipIf(process.getuid?.() !== 0)('keeps the owner and group of an existing file: another user\'s, its own, and in a setgid directory', async () => {
    const theirs = join(dir, 'theirs');
    writeFileSync(theirs, 'old');
    chownSync(theirs, 65534, 65534);
    const ours = join(dir, 'ours');
    writeFileSync(ours, 'old');
    // A setgid directory gives new files its group: the old file's (ours) must come back.
    const shared = join(dir, 'shared');
    mkdirSync(shared);
    chownSync(shared, 0, 65534);
    chmodSync(shared, 0o2775);
    const inShared = join(shared, 'f');
    writeFileSync(inShared, 'old');
    chownSync(inShared, 0, 0);
    for (const p of [theirs, ours, inShared]) {
      const before = statSync(p);
      expect((await writeFile(ctx, { path: p, content: Buffer.from('new') })).ok).toBe(true);
      const after = statSync(p);
      expect([readFileSync(p, 'utf8'), after.uid, after.gid, after.ino === before.ino]).toEqual(['new', before.uid, before.gid, false]);
    }
  });
  it('gives a new file its exact mode whether or not the mode has execute or special bits, and leaves no temp file', async () => {
    for (const m of [0o600, 0o644, 0o640, 0o755, 0o4750, 0o1777, 0o444, 0o000]) {
      const p = join(dir, `m${m.toString(8)}`);
      const r = await writeFile(ctx, { path: p, content: Buffer.from('x'), mode: m });
      expect(r.ok).toBe(true);
      expect(mode(p).toString(8)).toBe(m.toString(8));
    }
    // With an owner (here ourselves) the temp file comes from mktemp, private until chown.
    const owned = join(dir, 'owned');
    expect((await writeFile(ctx, { path: owned, content: Buffer.from('y'), owner: String(process.getuid!()), mode: 0o644 })).ok).toBe(true);
    expect(mode(owned)).toBe(0o644);
    expect(readdirSync(dir).filter((f) => f.includes('.oasis.'))).toEqual([]);
  });

  it('a user who is not root can write a read-only mode (0444, 0400): the mode is set after the content', async () => {
    chmodSync(dir, 0o1777);
    const conn = new LocalConnection();
    const asNobody = { ...ctx, exec: ((script, o) => conn.exec(script, { ...o, become: { user: 'nobody' } })) as typeof ctx.exec };
    for (const m of [0o444, 0o400]) {
      const p = join(dir, `ro${m.toString(8)}`);
      const r = await writeFile(asNobody, { path: p, content: Buffer.from('read only\n'), mode: m });
      expect(r).toMatchObject({ ok: true });
      expect(mode(p)).toBe(m);
      expect(readFileSync(p, 'utf8')).toBe('read only\n');
    }
  });

  it('writes bytes that are not text (NUL, invalid UTF-8) exactly', async () => {
    const p = join(dir, 'bin');
    const bytes = Buffer.from([0, 1, 2, 0xff, 0xfe, 10, 0, 0x80, 39, 92]);
    expect((await writeFile(ctx, { path: p, content: bytes })).ok).toBe(true);
    expect(readFileSync(p).equals(bytes)).toBe(true);
  });

  it('sends large content through stdin', async () => {
    const p = join(dir, 'big');
    const big = Buffer.alloc(INLINE_LIMIT * 3 + 7, 'x\n\0\'"');
    expect((await writeFile(ctx, { path: p, content: big })).ok).toBe(true);
    expect(readFileSync(p).equals(big)).toBe(true);
  });

  it('writes content beyond the stdin limit in chunks, cleaning up on failure', async () => {
    const p = join(dir, 'huge');
    const huge = Buffer.alloc(STDIN_LIMIT * 2 + 12345);
    for (let i = 0; i < huge.length; i++) huge[i] = (i * 7) % 256;
    let calls = 0;
    const counting = { ...ctx, exec: (...a: Parameters<typeof ctx.exec>) => (calls++, ctx.exec(...a)) };
    const r = await writeFile(counting, { path: p, content: huge, mode: 0o600, backup: true });
    expect(r.ok).toBe(true);
    expect(calls).toBe(5); // make temp, 3 chunks, finish
    expect(readFileSync(p).equals(huge)).toBe(true);
    expect(mode(p)).toBe(0o600);
    const bad = await writeFile(ctx, { path: p, content: Buffer.alloc(STDIN_LIMIT + 1, 'y'), owner: 'no-such-user-oasis' });
    expect(bad.ok).toBe(false);
    expect(readFileSync(p).equals(huge)).toBe(true);
    expect(readdirSync(dir)).toEqual(['huge']);
  });

  it('keeps a backup named like Ansible, with the old content and mode', async () => {
    const p = join(dir, 'conf');
    writeFileSync(p, 'v1');
    chmodSync(p, 0o640);
    const r = await writeFile(ctx, { path: p, content: Buffer.from('v2'), backup: true });
    expect(r.ok && r.backupFile).toMatch(BACKUP_SUFFIX_RE);
    const backup = r.ok ? r.backupFile! : '';
    expect(backup.startsWith(p + '.')).toBe(true);
    expect(readFileSync(backup, 'utf8')).toBe('v1');
    expect(mode(backup)).toBe(0o640);
    expect(readFileSync(p, 'utf8')).toBe('v2');
  });

  it('no backup for a file that did not exist', async () => {
    const r = await writeFile(ctx, { path: join(dir, 'new'), content: Buffer.from('x'), backup: true });
    expect(r.ok && r.backupFile).toBeFalsy();
    expect(readdirSync(dir)).toEqual(['new']);
  });

  it('on failure leaves the old file intact and no temp file behind', async () => {
    const p = join(dir, 'keep');
    writeFileSync(p, 'original');
    const r = await writeFile(ctx, { path: p, content: Buffer.from('replacement'), owner: 'no-such-user-oasis' });
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.msg).toContain(p);
    expect(readFileSync(p, 'utf8')).toBe('original');
    expect(readdirSync(dir)).toEqual(['keep']);
  });

  it('refuses to write over a directory', async () => {
    const p = join(dir, 'd');
    mkdirSync(p);
    const r = await writeFile(ctx, { path: p, content: Buffer.from('x') });
    expect(r).toMatchObject({ ok: false });
    if (!r.ok) expect(r.msg).toMatch(/is a directory/);
    expect(readdirSync(p)).toEqual([]);
  });

  it('fails clearly when the parent directory is missing', async () => {
    const r = await writeFile(ctx, { path: join(dir, 'no/such/f'), content: Buffer.from('x') });
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.msg).toContain(`Destination directory ${join(dir, 'no/such')} does not exist`);
  });

  it('creates missing parents when asked, with their mode', async () => {
    const a = join(dir, 'a');
    const r = await writeFile(ctx, { path: join(dir, 'a/b/f'), content: Buffer.from('x'), createDirs: { paths: [a, join(a, 'b')], mode: 0o750 } });
    expect(r.ok).toBe(true);
    expect(mode(a)).toBe(0o750);
    expect(mode(join(a, 'b'))).toBe(0o750);
  });

  it('follow writes through a symlink; otherwise the link is replaced', async () => {
    const target = join(dir, 'target');
    const link = join(dir, 'link');
    writeFileSync(target, 'old');
    symlinkSync('target', link);
    await writeFile(ctx, { path: link, content: Buffer.from('through'), follow: true });
    expect(lstatSync(link).isSymbolicLink()).toBe(true);
    expect(readFileSync(target, 'utf8')).toBe('through');
    await writeFile(ctx, { path: link, content: Buffer.from('replaced') });
    expect(lstatSync(link).isFile()).toBe(true);
    expect(readFileSync(target, 'utf8')).toBe('through');
    expect(existsSync(link) && readFileSync(link, 'utf8')).toBe('replaced');
  });
});
