// copy/template's one-round-trip write (src/modules/lib/eager-write.ts): taken when nothing about
// the write depends on the inspection, and the same results as the two-round-trip path.
import { chmodSync, mkdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { copy } from '../../src/modules/copy.js';
import { file } from '../../src/modules/file.js';
import type { ModuleContext } from '../../src/modules/types.js';
import { eagerOutcome, eagerWriteScript } from '../../src/modules/lib/eager-write.js';
import { localModuleContext, tempDir } from '../helpers/module-context.js';

let dir: string;
beforeEach(() => {
  dir = tempDir();
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** A local context that counts round trips. */
function counting(): ModuleContext & { trips: number } {
  const base = localModuleContext();
  const c = { ...base, trips: 0, exec: (s: Parameters<ModuleContext['exec']>[0], o?: Parameters<ModuleContext['exec']>[1]) => (c.trips++, base.exec(s, o)) };
  return c;
}
const mode = (p: string) => (statSync(p).mode & 0o7777).toString(8);

describe('eager write', () => {
  it('writes a new or changed file in one round trip, and checks an unchanged one in one', async () => {
    const dest = join(dir, 'a.conf');
    let c = counting();
    expect(await copy.run({ dest, content: 'one\n', mode: '0600' }, c)).toMatchObject({ changed: true, dest, mode: '0600', size: 4, state: 'file' });
    expect(c.trips).toBe(1);
    c = counting();
    expect(await copy.run({ dest, content: 'two\n', mode: '0600' }, c)).toMatchObject({ changed: true, mode: '0600' });
    expect(c.trips).toBe(1);
    expect(readFileSync(dest, 'utf8')).toBe('two\n');
    c = counting();
    expect(await copy.run({ dest, content: 'two\n', mode: '0600' }, c)).toMatchObject({ changed: false, mode: '0600' });
    expect(c.trips).toBe(1);
  });

  it('same content with another mode: no write, the mode is set after the inspection', async () => {
    const dest = join(dir, 'b');
    writeFileSync(dest, 'x');
    chmodSync(dest, 0o644);
    const c = counting();
    expect(await copy.run({ dest, content: 'x', mode: '0600' }, c)).toMatchObject({ changed: true, mode: '0600' });
    expect(c.trips).toBe(2);
    expect(mode(dest)).toBe('600');
  });

  it('leaves a directory at dest and a missing parent to the usual path', async () => {
    mkdirSync(join(dir, 'd'));
    const r = await copy.run({ dest: join(dir, 'd'), content: 'x' }, localModuleContext());
    expect(r).toMatchObject({ failed: true });
    expect(String(r.msg)).toMatch(/can not use content with a dir as dest/);
    const missing = await copy.run({ dest: join(dir, 'no/such/f'), content: 'x' }, localModuleContext());
    expect(String(missing.msg)).toMatch(/Destination directory .* does not exist/);
  });

  it('follows a symlink only when asked, like the usual path', async () => {
    writeFileSync(join(dir, 'real'), 'old');
    symlinkSync('real', join(dir, 'link'));
    await copy.run({ dest: join(dir, 'link'), content: 'new', follow: true }, localModuleContext());
    expect(readFileSync(join(dir, 'real'), 'utf8')).toBe('new');
    await copy.run({ dest: join(dir, 'link'), content: 'newer' }, localModuleContext());
    expect(readFileSync(join(dir, 'real'), 'utf8')).toBe('new');
    expect(readFileSync(join(dir, 'link'), 'utf8')).toBe('newer');
  });

  it('makes a missing directory (and its parents) in one round trip, with the usual result', async () => {
    const path = join(dir, 'a/b/c');
    let c = counting();
    expect(await file.run({ path, state: 'directory', mode: '0750' }, c)).toMatchObject({ changed: true, path, state: 'directory', mode: '0750' });
    expect(c.trips).toBe(1);
    expect([mode(join(dir, 'a')), mode(path)]).toEqual(['750', '750']);
    c = counting();
    expect(await file.run({ path, state: 'directory', mode: '0750' }, c)).toMatchObject({ changed: false, mode: '0750' });
    expect(c.trips).toBe(1);
    c = counting();
    expect(await file.run({ path, state: 'directory', mode: 'o+x' }, c)).toMatchObject({ changed: true, mode: '0751' });
    expect(c.trips).toBe(2);
  });

  it('leaves a dangling link or a file at the path to the usual path', async () => {
    symlinkSync('nowhere', join(dir, 'dangling'));
    expect(String((await file.run({ path: join(dir, 'dangling'), state: 'directory' }, localModuleContext())).msg)).toMatch(/link to a missing target/);
    writeFileSync(join(dir, 'f'), '');
    expect(String((await file.run({ path: join(dir, 'f'), state: 'directory' }, localModuleContext())).msg)).toMatch(/already exists as a file/);
  });

  it('is not used where the write depends on what is there', () => {
    const o = { dest: '/x', content: Buffer.from('x'), checksum: 'c' };
    const ctx = { check: false, diff: false };
    expect(eagerWriteScript(o, ctx)).toBeDefined();
    expect(eagerWriteScript({ ...o, mode: 'u=rw' }, ctx)).toBeUndefined();
    expect(eagerWriteScript({ ...o, force: false }, ctx)).toBeUndefined();
    expect(eagerWriteScript({ ...o, backup: true }, ctx)).toBeUndefined();
    expect(eagerWriteScript({ ...o, dest: '/x/' }, ctx)).toBeUndefined();
    expect(eagerWriteScript(o, { check: true, diff: false })).toBeUndefined();
    expect(eagerWriteScript(o, { check: false, diff: true })).toBeUndefined();
  });

  it('reports a failed write with the target message', () => {
    expect(eagerOutcome('0:lstat=x\neager:begin\ncannot move the new content into place\neager=1\n')).toEqual({ written: false, msg: 'cannot move the new content into place' });
    expect(eagerOutcome('umask=0022\n')).toBeUndefined();
  });
});
