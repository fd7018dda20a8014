import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, lstatSync, mkdirSync, readdirSync, readFileSync, readlinkSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { file } from '../../src/modules/file.js';
import { countedTools, localModuleContext, tempDir, withEnv } from '../helpers/module-context.js';

let dir: string;
beforeEach(() => {
  dir = tempDir();
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const run = file.run.bind(file);
const ctx = (o: { check?: boolean; diff?: boolean } = {}) => localModuleContext(o);
const mode = (p: string) => (lstatSync(p).mode & 0o7777).toString(8);
const isRoot = process.getuid?.() === 0;
const umask = process.umask();

function snapshot(root: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (p: string, rel: string) => {
    for (const name of readdirSync(p).sort()) {
      const full = join(p, name);
      const r = rel ? `${rel}/${name}` : name;
      const st = lstatSync(full);
      const meta = `${(st.mode & 0o7777).toString(8)} ${st.uid}:${st.gid} ${st.mtimeMs} ${st.ino}`;
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

/** Runs in check mode first (must predict `changed` and alter nothing), then for real. */
async function checkThenRun(args: Parameters<typeof run>[0]) {
  const before = snapshot(dir);
  const predicted = await run(args, ctx({ check: true, diff: true }));
  expect(snapshot(dir)).toEqual(before);
  const real = await run(args, ctx({ diff: true }));
  expect(predicted.changed).toBe(real.changed);
  expect(predicted.failed).toBe(real.failed);
  return real;
}

describe('state=directory', () => {
  it('creates missing parents with the mode, like mkdir -p, then is idempotent', async () => {
    const p = join(dir, 'a/b/c');
    const r = await checkThenRun({ path: p, state: 'directory', mode: '0750' });
    expect(r).toMatchObject({ changed: true, path: p, state: 'directory', mode: '0750' });
    expect(r.diff).toEqual({ before: `path: ${p}\nstate: absent\n`, after: `path: ${p}\nstate: directory\nmode: 0750\n`, path: p });
    for (const d of ['a', 'a/b', 'a/b/c']) expect(mode(join(dir, d))).toBe('750');
    expect((await checkThenRun({ path: p, state: 'directory', mode: '0750' })).changed).toBe(false);
  });

  it('a new directory gets exactly the mode, not the setgid bit of its parent (as Ansible\'s chmod)', async () => {
    const parent = join(dir, 'shared');
    mkdirSync(parent);
    chmodSync(parent, 0o2775);
    const p = join(parent, 'x/y');
    expect(await run({ path: p, state: 'directory', mode: '0755' }, ctx())).toMatchObject({ changed: true, mode: '0755' });
    for (const d of ['shared/x', 'shared/x/y']) expect(mode(join(dir, d))).toBe('755');
  });

  it('without mode uses the umask; then changes only the mode', async () => {
    const p = join(dir, 'd');
    await run({ path: p, state: 'directory' }, ctx());
    expect(mode(p)).toBe((0o777 & ~umask).toString(8));
    const r = await checkThenRun({ path: p, state: 'directory', mode: 'g+w,o=' });
    expect(r).toMatchObject({ changed: true, mode: '0770' });
  });

  it('fails when a file is in the way', async () => {
    writeFileSync(join(dir, 'f'), '');
    const r = await checkThenRun({ path: join(dir, 'f'), state: 'directory' });
    expect(r).toMatchObject({ failed: true, changed: false, msg: `${join(dir, 'f')} already exists as a file` });
  });

  it('recurse applies the mode to everything, like chmod -R, and only where different', async () => {
    const build = (root: string) => {
      mkdirSync(join(root, 'sub/deeper'), { recursive: true });
      writeFileSync(join(root, 'a.sh'), '');
      chmodSync(join(root, 'a.sh'), 0o755);
      writeFileSync(join(root, 'sub/b.txt'), '');
      chmodSync(join(root, 'sub/b.txt'), 0o600);
      writeFileSync(join(root, 'sub/deeper/c'), '');
      chmodSync(join(root, 'sub/deeper/c'), 0o640);
      symlinkSync('a.sh', join(root, 'link'));
      // 0001 and 0011: with '+g,g+o' one's result is the other's start (the chained case).
      writeFileSync(join(root, 'x1'), '');
      chmodSync(join(root, 'x1'), 0o001);
      writeFileSync(join(root, 'x2'), '');
      chmodSync(join(root, 'x2'), 0o011);
    };
    for (const spec of ['u=rwX,g=rX,o=', '0750', '+g,g+o', 'go-rwx,u+rwX']) {
      const mine = join(dir, 'mine');
      const ref = join(dir, 'ref');
      rmSync(mine, { recursive: true, force: true });
      rmSync(ref, { recursive: true, force: true });
      mkdirSync(mine);
      mkdirSync(ref);
      build(mine);
      build(ref);
      execFileSync('chmod', ['-R', spec.startsWith('0') ? '0' + spec : spec, ref]);
      const r = await run({ path: mine, state: 'directory', recurse: true, mode: spec }, ctx());
      expect(r.changed, spec).toBe(true);
      const modes = (root: string) => Object.fromEntries(['', 'a.sh', 'sub', 'sub/b.txt', 'sub/deeper', 'sub/deeper/c', 'x1', 'x2'].map((f) => [f, mode(join(root, f))]));
      expect(modes(mine), spec).toEqual(modes(ref));
      expect(lstatSync(join(mine, 'link')).isSymbolicLink()).toBe(true);
    }
    // Idempotent for a spec that is stable when applied again.
    expect((await checkThenRun({ path: join(dir, 'mine'), state: 'directory', recurse: true, mode: 'go-rwx,u+rwX' })).changed).toBe(false);
  });

  it.skipIf(!isRoot)('recurse sets the owner of every entry, links included', async () => {
    mkdirSync(join(dir, 't/s'), { recursive: true });
    writeFileSync(join(dir, 't/s/f'), '');
    symlinkSync('s/f', join(dir, 't/l'));
    const r = await checkThenRun({ path: join(dir, 't'), state: 'directory', recurse: true, owner: 'nobody' });
    expect(r.changed).toBe(true);
    const nobody = statSync(join(dir, 't')).uid;
    expect(nobody).not.toBe(0);
    for (const f of ['t/s', 't/s/f', 't/l']) expect(lstatSync(join(dir, f)).uid).toBe(nobody);
    expect((await checkThenRun({ path: join(dir, 't'), state: 'directory', recurse: true, owner: 'nobody' })).changed).toBe(false);
  });
});

describe('state=file', () => {
  it('fails on a missing path like Ansible', async () => {
    const p = join(dir, 'nope');
    const r = await checkThenRun({ path: p, state: 'file' });
    expect(r).toMatchObject({ failed: true, msg: `file (${p}) is absent, cannot continue` });
  });

  it('fails on a directory', async () => {
    const r = await run({ path: dir, state: 'file' }, ctx());
    expect(r).toMatchObject({ failed: true, msg: `file (${dir}) is directory, cannot continue` });
  });

  it('sets the mode through a symlink (follow defaults to true; the default state stays link)', async () => {
    writeFileSync(join(dir, 'f'), 'x');
    chmodSync(join(dir, 'f'), 0o600);
    symlinkSync('f', join(dir, 'l'));
    const r = await checkThenRun({ path: join(dir, 'l'), mode: '0644' });
    expect(r).toMatchObject({ changed: true, mode: '0644', state: 'link' });
    expect(r.diff).toMatchObject({ before: `path: ${join(dir, 'l')}\nmode: 0600\n`, after: `path: ${join(dir, 'l')}\nmode: 0644\n` });
    expect(mode(join(dir, 'f'))).toBe('644');
    expect((await checkThenRun({ path: join(dir, 'l'), mode: '0644' })).changed).toBe(false);
  });

  it('the default state keeps what is there (a directory stays one)', async () => {
    const r = await checkThenRun({ path: dir, mode: '0711' });
    expect(r).toMatchObject({ changed: true, state: 'directory', mode: '0711' });
  });

  it('sets an explicit modification time, idempotently', async () => {
    const p = join(dir, 'f');
    writeFileSync(p, '');
    const r = await checkThenRun({ path: p, modification_time: '202401021030.15' });
    expect(r.changed).toBe(true);
    expect(statSync(p).mtime.getTime()).toBe(new Date(2024, 0, 2, 10, 30, 15).getTime());
    expect((await checkThenRun({ path: p, modification_time: '202401021030.15' })).changed).toBe(false);
  });

  it('rejects a malformed time', async () => {
    const r = await run({ path: dir, modification_time: '2024-01-02' }, ctx());
    expect(r).toMatchObject({ failed: true });
    expect(r.msg).toMatch(/YYYYMMDDHHMM\.SS/);
  });
});

describe('state=absent', () => {
  it('removes files, links (not their targets) and whole directories', async () => {
    mkdirSync(join(dir, 'd/e'), { recursive: true });
    writeFileSync(join(dir, 'd/e/f'), '');
    writeFileSync(join(dir, 'keep'), '');
    symlinkSync('keep', join(dir, 'l'));
    const r = await checkThenRun({ path: join(dir, 'd'), state: 'absent' });
    expect(r).toMatchObject({ changed: true, state: 'absent' });
    expect(r.diff).toMatchObject({ before: `path: ${join(dir, 'd')}\nstate: directory\n`, after: `path: ${join(dir, 'd')}\nstate: absent\n` });
    expect((await checkThenRun({ path: join(dir, 'l'), state: 'absent' })).changed).toBe(true);
    expect(readdirSync(dir)).toEqual(['keep']);
    expect((await checkThenRun({ path: join(dir, 'd'), state: 'absent' })).changed).toBe(false);
  });
});

describe('what a link costs the target', () => {
  it('one stat to check a link to src or to remove one: no readlink, no stat of what it points to', async () => {
    writeFileSync(join(dir, 'keep'), '');
    symlinkSync('keep', join(dir, 'l'));
    const tools = countedTools(dir, ['stat', 'readlink']);
    const counted = withEnv(ctx(), tools.env);
    expect(await run({ path: join(dir, 'l'), src: 'keep', state: 'link' }, counted)).toMatchObject({ changed: false, state: 'link' });
    expect(tools.started()).toEqual(['stat']);
    expect(await run({ path: join(dir, 'l'), state: 'absent' }, counted)).toMatchObject({ changed: true, state: 'absent' });
    expect(tools.started()).toEqual(['stat']);
    expect(readdirSync(dir).sort()).toEqual(['bin', 'keep', 'started.log']);
  });
});

describe('state=touch', () => {
  it('creates a file with the mode; touching again is always a change', async () => {
    const p = join(dir, 't');
    const r = await checkThenRun({ path: p, state: 'touch', mode: 'u=rw,go=' });
    expect(r).toMatchObject({ changed: true, mode: '0600' });
    expect(readFileSync(p, 'utf8')).toBe('');
    expect(mode(p)).toBe('600');
    const again = await run({ path: p, state: 'touch', mode: 'u=rw,go=' }, ctx());
    expect(again.changed).toBe(true);
  });

  it('with times preserved it only settles attributes', async () => {
    const p = join(dir, 't');
    writeFileSync(p, 'keep');
    const r = await checkThenRun({ path: p, state: 'touch', modification_time: 'preserve', access_time: 'preserve' });
    expect(r.changed).toBe(false);
    expect(readFileSync(p, 'utf8')).toBe('keep');
  });

  it('fails when the parent directory is missing; check mode assumes an earlier task makes it', async () => {
    const args = { path: join(dir, 'no/t'), state: 'touch' } as const;
    const predicted = await run(args, ctx({ check: true }));
    expect(predicted).toMatchObject({ changed: true });
    expect(predicted.msg).toContain('does not exist yet');
    const r = await run(args, ctx());
    expect(r).toMatchObject({ failed: true });
    expect(r.msg).toContain(join(dir, 'no'));
  });
});

describe('state=link', () => {
  it('creates, keeps, and retargets a symlink', async () => {
    writeFileSync(join(dir, 'a'), 'A');
    writeFileSync(join(dir, 'b'), 'B');
    const l = join(dir, 'l');
    const r = await checkThenRun({ path: l, src: 'a', state: 'link' });
    expect(r).toMatchObject({ changed: true, dest: l, src: 'a', state: 'link' });
    expect(readlinkSync(l)).toBe('a');
    expect((await checkThenRun({ path: l, src: 'a', state: 'link' })).changed).toBe(false);
    const re = await checkThenRun({ path: l, src: join(dir, 'b'), state: 'link' });
    expect(re.changed).toBe(true);
    expect(re.diff).toMatchObject({ before: `path: ${l}\nstate: link\nsrc: a\n`, after: `path: ${l}\nstate: link\nsrc: ${join(dir, 'b')}\n` });
    expect(readFileSync(l, 'utf8')).toBe('B');
  });

  it('refuses to replace a file unless forced; a missing src needs force', async () => {
    writeFileSync(join(dir, 'a'), 'A');
    writeFileSync(join(dir, 'f'), 'F');
    const refused = await checkThenRun({ path: join(dir, 'f'), src: 'a', state: 'link' });
    expect(refused).toMatchObject({ failed: true, msg: `refusing to convert from file to symlink for ${join(dir, 'f')}` });
    expect((await checkThenRun({ path: join(dir, 'f'), src: 'a', state: 'link', force: true })).changed).toBe(true);
    expect(readlinkSync(join(dir, 'f'))).toBe('a');
    const missing = await run({ path: join(dir, 'm'), src: 'ghost', state: 'link' }, ctx());
    expect(missing).toMatchObject({ failed: true });
    expect(missing.msg).toContain('src file does not exist');
    expect((await run({ path: join(dir, 'm'), src: 'ghost', state: 'link', force: true }, ctx())).changed).toBe(true);
    expect(readlinkSync(join(dir, 'm'))).toBe('ghost');
  });

  it('replaces an empty directory only with force, never a full one', async () => {
    writeFileSync(join(dir, 'a'), 'A');
    mkdirSync(join(dir, 'empty'));
    mkdirSync(join(dir, 'full'));
    writeFileSync(join(dir, 'full/x'), '');
    expect((await run({ path: join(dir, 'empty'), src: 'a', state: 'link' }, ctx())).msg).toBe(`refusing to convert from directory to symlink for ${join(dir, 'empty')}`);
    expect((await run({ path: join(dir, 'full'), src: 'a', state: 'link', force: true }, ctx())).msg).toBe(`the directory ${join(dir, 'full')} is not empty, refusing to convert it`);
    expect((await checkThenRun({ path: join(dir, 'empty'), src: 'a', state: 'link', force: true })).changed).toBe(true);
    expect(readlinkSync(join(dir, 'empty'))).toBe('a');
  });

  it('retargets a link that points to a directory without writing into that directory', async () => {
    mkdirSync(join(dir, 'd1'));
    mkdirSync(join(dir, 'd2'));
    symlinkSync('d1', join(dir, 'cur'));
    expect((await checkThenRun({ path: join(dir, 'cur'), src: 'd2', state: 'link' })).changed).toBe(true);
    expect(readlinkSync(join(dir, 'cur'))).toBe('d2');
    expect(readdirSync(join(dir, 'd1'))).toEqual([]);
  });
});

describe('state=hard', () => {
  it('creates a hard link, idempotently; a different file needs force', async () => {
    writeFileSync(join(dir, 'a'), 'A');
    writeFileSync(join(dir, 'other'), 'O');
    const h = join(dir, 'h');
    expect((await checkThenRun({ path: h, src: join(dir, 'a'), state: 'hard' })).changed).toBe(true);
    expect(statSync(h).ino).toBe(statSync(join(dir, 'a')).ino);
    expect((await checkThenRun({ path: h, src: join(dir, 'a'), state: 'hard' })).changed).toBe(false);
    const refused = await checkThenRun({ path: join(dir, 'other'), src: join(dir, 'a'), state: 'hard' });
    expect(refused).toMatchObject({ failed: true, msg: 'Cannot link, file exists at destination' });
    expect((await checkThenRun({ path: join(dir, 'other'), src: join(dir, 'a'), state: 'hard', force: true })).changed).toBe(true);
    expect(readFileSync(join(dir, 'other'), 'utf8')).toBe('A');
  });

  it('needs an existing src', async () => {
    expect(await run({ path: join(dir, 'h'), state: 'hard' }, ctx())).toMatchObject({ failed: true, msg: 'src is required for creating new hardlinks' });
    expect(await run({ path: join(dir, 'h'), src: join(dir, 'nope'), state: 'hard' }, ctx())).toMatchObject({ failed: true, msg: 'src does not exist' });
    expect(existsSync(join(dir, 'h'))).toBe(false);
  });
});

describe('arguments', () => {
  it('src needs state link or hard; recurse needs directory', async () => {
    expect((await run({ path: dir, src: 'x', state: 'file' }, ctx())).msg).toBe("src option requires state to be 'link' or 'hard'");
    expect((await run({ path: dir, recurse: true, state: 'file' }, ctx())).msg).toBe("recurse option requires state to be 'directory'");
  });

  it('accepts the dest and name aliases', async () => {
    expect((await run({ dest: join(dir, 'x'), state: 'directory' }, ctx())).changed).toBe(true);
    expect((await run({ name: join(dir, 'x'), state: 'directory' }, ctx())).changed).toBe(false);
  });
});
