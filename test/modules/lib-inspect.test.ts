import { mkdirSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { inspect, parseInspection, stateOf } from '../../src/modules/lib/inspect.js';
import { decodeText, diffText, readLines, splitLinesKeepEnds } from '../../src/modules/lib/text.js';
import { localModuleContext, tempDir } from '../helpers/module-context.js';

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
