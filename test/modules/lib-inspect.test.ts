import { createHash } from 'node:crypto';
import { chmodSync, mkdirSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { inspect, inspectScript, parseInspection, splitQuotedName, stateOf, type Probe } from '../../src/modules/lib/inspect.js';
import { LocalConnection } from '../../src/connection/local.js';
import { decodeText, diffText, readLines, splitLinesKeepEnds } from '../../src/modules/lib/text.js';
import { countedTools, localModuleContext, tempDir, withEnv } from '../helpers/module-context.js';

let dir: string;
beforeEach(() => {
  dir = tempDir();
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));
const ctx = localModuleContext();

describe('inspect', () => {
  it('reports several paths in one round trip', async () => {
    const bytes = Buffer.from([0, 1, 255, 10, 65]);
    writeFileSync(join(dir, 'f'), bytes);
    mkdirSync(join(dir, 'd/e'), { recursive: true });
    symlinkSync('f', join(dir, 'l'));
    symlinkSync('ghost', join(dir, 'dangling'));
    const insp = await inspect(ctx, [
      { path: join(dir, 'f'), content: true, checksum: true },
      { path: join(dir, 'd'), tree: true, emptiness: true },
      { path: join(dir, 'l'), content: true },
      { path: join(dir, 'dangling') },
      { path: join(dir, 'missing'), content: true },
      { path: join(dir, 'f'), content: true, maxContent: 2 },
    ]);
    if ('error' in insp) throw new Error(insp.error);
    const [f, d, l, dangling, missing, big] = insp.paths;
    expect(insp.umask).toBe(process.umask());
    expect(f!.content?.equals(bytes)).toBe(true);
    expect(f!.checksum).toMatch(/^[0-9a-f]{40}$/);
    expect(f!.lstat).toMatchObject({ type: 'file', size: 5, inode: statSync(join(dir, 'f')).ino });
    expect(d!.lstat?.type).toBe('directory');
    expect(d!.empty).toBe(false);
    expect(d!.tree?.map((s) => s.type).sort()).toEqual(['directory', 'directory']);
    expect(l!.lstat?.type).toBe('link');
    expect(l!.stat?.type).toBe('file');
    expect(l!.linkTarget).toBe('f');
    expect(l!.content?.equals(bytes)).toBe(true);
    expect(dangling!.lstat?.type).toBe('link');
    expect(dangling!.stat).toBeUndefined();
    expect(missing!.lstat).toBeUndefined();
    expect(stateOf(missing!.lstat)).toBe('absent');
    expect(big!.content).toBeUndefined();
    expect(big!.contentTooLarge).toBe(true);
  });

  it('checksums many files with one sha1sum: links followed, odd names, unreadable and missing files, other algorithms', async () => {
    const sha = (algo: string, text: string) => createHash(algo).update(text).digest('hex');
    const names = ['a', 'b c', "it's", '-dash', 'back\\slash', 'new\nline'];
    for (const n of names) writeFileSync(join(dir, n), `content of ${n}`);
    symlinkSync('a', join(dir, 'link'));
    mkdirSync(join(dir, 'dir'));
    writeFileSync(join(dir, 'secret'), 'x');
    chmodSync(dir, 0o755);
    chmodSync(join(dir, 'secret'), 0o600);
    const probes = [...names, 'link', 'dir', 'missing', 'secret'].map((n) => ({ path: join(dir, n), checksum: true }));
    const sansNewline = probes.filter((p) => !p.path.includes('\n'));
    // One sha1sum for all of them, unless a name holds a newline (then each probe runs its own).
    expect(inspectScript(sansNewline).text.match(/sha1sum --/g)).toHaveLength(1);
    expect(inspectScript(probes).text).not.toContain('sha1sum --');
    for (const asked of [probes, sansNewline]) {
      const insp = await inspect(ctx, asked);
      if ('error' in insp) throw new Error(insp.error);
      const sums = Object.fromEntries(insp.paths.map((p) => [p.path.slice(dir.length + 1), p.checksum]));
      for (const n of names.filter((x) => asked.some((p) => p.path === join(dir, x)))) expect(sums[n]).toBe(sha('sha1', `content of ${n}`));
      expect([sums['link'], sums['dir'], sums['missing']]).toEqual([sha('sha1', 'content of a'), undefined, undefined]);
    }
    if (process.getuid?.() === 0) {
      const conn = new LocalConnection();
      const asNobody = { ...ctx, exec: ((s, o) => conn.exec(s, { ...o, become: { user: 'nobody' } })) as typeof ctx.exec };
      const insp = await inspect(asNobody, [{ path: join(dir, 'secret'), checksum: true }, { path: join(dir, 'a'), checksum: true }]);
      if ('error' in insp) throw new Error(insp.error);
      expect(insp.paths.map((p) => [p.readable, p.checksum])).toEqual([[false, undefined], [true, sha('sha1', 'content of a')]]);
    }
    const other = await inspect(ctx, [{ path: join(dir, 'a'), checksum: true, checksumAlgorithm: 'sha256' }, { path: join(dir, 'b c'), checksum: true }]);
    if ('error' in other) throw new Error(other.error);
    expect(other.paths.map((p) => p.checksum)).toEqual([sha('sha256', 'content of a'), sha('sha1', 'content of b c')]);
  });

  it('reads link targets from the one stat of the batch, whatever bytes they hold, and follows a link only when asked', async () => {
    // Every stat and readlink the inspection starts, counted.
    const tools = countedTools(dir, ['stat', 'readlink']);
    const counted = withEnv(ctx, tools.env);
    const targets = ['plain', 'with space', 'it\'s "quoted"', 'back\\slash', 'new\nline', 'pipe|and -> arrow', 'tab\there', 'trailing newline\n', 'caf\u00e9', '?\x01?'];
    writeFileSync(join(dir, 'plain'), 'x');
    const links = targets.map((t, i) => {
      symlinkSync(t, join(dir, `l${i}`));
      return join(dir, `l${i}`);
    });
    const named = join(dir, 'odd | name -> "x"');
    symlinkSync('plain', named);
    const probes: Probe[] = [...links, named].map((path) => ({ path, noFollow: true }));
    const insp = await inspect(counted, probes);
    if ('error' in insp) throw new Error(insp.error);
    expect(insp.paths.map((p) => p.linkTarget)).toEqual([...targets, 'plain']);
    expect(insp.paths.every((p) => p.lstat?.type === 'link' && p.stat === undefined)).toBe(true);
    expect(tools.started()).toEqual(['stat']);
    // Followed when not told otherwise: one more stat for the link that resolves, none for the dangling one.
    const followed = await inspect(counted, [{ path: links[0]! }, { path: links[1]! }]);
    if ('error' in followed) throw new Error(followed.error);
    expect(followed.paths.map((p) => [p.linkTarget, p.stat?.type])).toEqual([['plain', 'file'], ['with space', undefined]]);
    expect(tools.started()).toEqual(['stat', 'stat', 'stat']);
    // A name with a newline cannot be batched: its probe reads the target with readlink.
    const lone = join(dir, 'new\nname');
    symlinkSync('plain', lone);
    const alone = await inspect(ctx, [{ path: lone }]);
    if ('error' in alone) throw new Error(alone.error);
    expect([alone.paths[0]!.linkTarget, alone.paths[0]!.stat?.type]).toEqual(['plain', 'file']);
  });

  it("splits stat's %N from the stat fields: GNU's C quoting and BusyBox's bare quotes", () => {
    const fields = '41ff|0|0|5|1|1|1|1|9|8|root|wheel';
    const gnu = `"/a|b" -> "t|\\"x\\"\\n\\303\\251"|${fields}`;
    expect(splitQuotedName(gnu, '/a|b')).toEqual({ target: 't|"x"\né', statAt: gnu.length - fields.length });
    expect(splitQuotedName(`"/plain"|${fields}`, '/plain')).toEqual({ statAt: 9 });
    const busybox = `'/a b' -> 'it's'|${fields}`;
    expect(splitQuotedName(busybox, '/a b')).toEqual({ target: "it's", statAt: busybox.length - fields.length });
    expect(splitQuotedName(`'/f'|${fields}`, '/f')).toEqual({ statAt: 5 });
  });

  it("reads past a line that BusyBox's %N broke at a newline in a link's target, and past a path gone meanwhile", () => {
    const f = 'a1ff|0|0|6|1|1|1|1|9|8|root|root';
    const out = ['umask=0022', 'lstats= 0 1 2 3', "'/x/l2' -> 'we", `ird'|${f}|/x/l2`, `'/x/l' -> 'a'|${f}|/x/l`, `/x/a|${f.replace('a1ff', '81a4')}|/x/a`, 'lstats:end', ''].join('\n');
    const insp = parseInspection(out, ['/x/gone', '/x/l2', '/x/l', '/x/a'].map((path) => ({ path })));
    expect(insp.paths.map((p) => [p.lstat?.type, p.linkTarget])).toEqual([
      [undefined, undefined],
      ['link', undefined],
      ['link', 'a'],
      ['file', undefined],
    ]);
  });

  it('decodes the od fallback used when base64 is missing', () => {
    const out = 'umask=0027\n0:lstat=81a4|0|0|3|1|1|1|2|9|8|root|root\n0:content=hex\n 61 0a\n 00\n0:end\n';
    const insp = parseInspection(out, [{ path: '/x', content: true }]);
    expect(insp.umask).toBe(0o027);
    expect(insp.paths[0]!.content).toEqual(Buffer.from([0x61, 0x0a, 0]));
    expect(stateOf(insp.paths[0]!.lstat)).toBe('hard');
    expect(insp.paths[0]!.lstat).toMatchObject({ mode: 0o644, nlink: 2, owner: 'root' });
  });
});

describe('text helpers', () => {
  it('split lines like Python', () => {
    expect(readLines('a\nb\r\nc')).toEqual(['a\n', 'b\r\n', 'c']);
    expect(readLines('')).toEqual([]);
    expect(splitLinesKeepEnds('a\r\nb\rc\n\nd')).toEqual(['a\r\n', 'b\r', 'c\n', '\n', 'd']);
  });

  it('keeps non-UTF-8 bytes through a decode/encode round trip', () => {
    const raw = Buffer.from([0xe9, 0x0a, 0xff]);
    const c = decodeText(raw);
    expect(c.encode(c.text).equals(raw)).toBe(true);
    expect(c.encode(c.fromUser('é'))).toEqual(Buffer.from('é', 'utf8'));
    const u = decodeText(Buffer.from('é\n'));
    expect(u.text).toBe('é\n');
  });

  it('diff text hides binary and huge content', () => {
    expect(diffText(Buffer.from([0, 1]))).toBe('[binary content]\n');
    expect(diffText(Buffer.alloc(10, 'a'), 5)).toMatch(/not shown/);
    expect(diffText(undefined)).toBe('');
  });
});
