import { createHash } from 'node:crypto';
import { chmodSync, mkdirSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { stat } from '../../src/modules/stat.js';
import { countedTools, localModuleContext, tempDir, withEnv } from '../helpers/module-context.js';

let dir: string;
beforeEach(() => {
  dir = tempDir();
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const run = (args: Parameters<typeof stat.run>[0], check = false) => stat.run(args, localModuleContext({ check }));

describe('stat', () => {
  it('describes a regular file with Ansible field names and a sha1 checksum', async () => {
    const p = join(dir, 'f');
    writeFileSync(p, 'hello');
    chmodSync(p, 0o4750);
    const r = await run({ path: p });
    const st = statSync(p);
    expect(r.changed).toBe(false);
    expect(r.stat).toMatchObject({
      exists: true,
      path: p,
      isreg: true,
      isdir: false,
      islnk: false,
      mode: '04750',
      isuid: true,
      isgid: false,
      xusr: true,
      woth: false,
      size: 5,
      uid: st.uid,
      gid: st.gid,
      inode: st.ino,
      nlink: 1,
      mtime: Math.floor(st.mtimeMs / 1000),
      checksum: createHash('sha1').update('hello').digest('hex'),
      readable: true,
    });
    expect(typeof (r.stat as Record<string, unknown>)['pw_name']).toBe('string');
  });

  it('supports other checksum algorithms and skipping the checksum', async () => {
    const p = join(dir, 'f');
    writeFileSync(p, 'hello');
    expect((await run({ path: p, checksum_algorithm: 'sha256' })).stat).toMatchObject({ checksum: createHash('sha256').update('hello').digest('hex') });
    expect((await run({ path: p, get_checksum: false })).stat).not.toHaveProperty('checksum');
  });

  it('reports a missing path as exists: false', async () => {
    expect(await run({ path: join(dir, 'nope') })).toEqual({ changed: false, stat: { exists: false } });
  });

  it('describes a symlink itself, or its target with follow', async () => {
    mkdirSync(join(dir, 'd'));
    symlinkSync('d', join(dir, 'l'));
    const own = (await run({ path: join(dir, 'l') })).stat as Record<string, unknown>;
    expect(own).toMatchObject({ exists: true, islnk: true, isdir: false, lnk_target: 'd', lnk_source: join(dir, 'd') });
    const followed = (await run({ path: join(dir, 'l'), follow: true })).stat as Record<string, unknown>;
    expect(followed).toMatchObject({ exists: true, islnk: false, isdir: true });
    symlinkSync('ghost', join(dir, 'dangling'));
    expect((await run({ path: join(dir, 'dangling'), follow: true })).stat).toEqual({ exists: false });
  });

  it("stats a link's target only with follow", async () => {
    writeFileSync(join(dir, 'f'), 'x');
    symlinkSync('f', join(dir, 'l'));
    const tools = countedTools(dir, ['stat']);
    const counted = withEnv(localModuleContext(), tools.env);
    expect((await stat.run({ path: join(dir, 'l') }, counted)).stat).toMatchObject({ islnk: true, lnk_target: 'f' });
    expect(tools.started()).toEqual(['stat']);
    expect((await stat.run({ path: join(dir, 'l'), follow: true }, counted)).stat).toMatchObject({ islnk: false, isreg: true, size: 1 });
    expect(tools.started()).toEqual(['stat', 'stat']);
  });

  it('is the same in check mode', async () => {
    writeFileSync(join(dir, 'f'), 'x');
    // atime aside (reading the file for its checksum may bump it), check mode answers the same.
    const noAtime = (r: Awaited<ReturnType<typeof run>>) => ({ ...r, stat: { ...(r.stat as object), atime: 0 } });
    expect(noAtime(await run({ path: join(dir, 'f') }, true))).toEqual(noAtime(await run({ path: join(dir, 'f') })));
  });

  it('handles odd names', async () => {
    const p = join(dir, "it's a $(name)\twith | pipes");
    writeFileSync(p, '');
    expect((await run({ path: p })).stat).toMatchObject({ exists: true, isreg: true, size: 0 });
  });
});
