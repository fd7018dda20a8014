import { describe, expect, it } from 'vitest';
import type { Connection } from '../../src/connection/types.js';
import { raw } from '../../src/shell/sh.js';
import type { Inspection, Probe } from '../../src/modules/lib/inspect.js';
import { ProbeMemoryStore, probeKey } from '../../src/modules/lib/probe-memory.js';

/** The Connection interface as the store sees it: a count that moves with every script. */
function target(machine?: string): Connection & { execCount: number } {
  return {
    host: 'h',
    execCount: 0,
    ...(machine ? { machine } : {}),
    exec() {
      this.execCount++;
      return Promise.resolve({ code: 0, stdout: '', stderr: '', seq: this.execCount });
    },
    close: () => Promise.resolve(),
  };
}

const file: Probe = { path: '/srv/a', checksum: true };
const parent: Probe = { path: '/srv' };
const seen: Inspection = {
  umask: 0o027,
  stdout: '',
  paths: [
    { path: '/srv/a', readable: true, checksum: 'abc' },
    { path: '/srv', readable: true },
  ],
};

describe('ProbeMemoryStore', () => {
  it('answers from the latest script until another starts', async () => {
    const store = new ProbeMemoryStore();
    const conn = target();
    const memory = store.forTask(conn, '', () => []);
    const r = await conn.exec(raw(':'));
    memory.remember(r.seq, [file, parent], seen);
    expect(memory.recall([parent, file])).toEqual({ umask: 0o027, stdout: '', paths: [seen.paths[1], seen.paths[0]] });
    // Another task on the same connection sees it too.
    expect(store.forTask(conn, '', () => []).recall([file])?.paths[0]?.checksum).toBe('abc');
    await conn.exec(raw(':'));
    expect(memory.recall([file])).toBeUndefined();
  });

  it('only whole answers, same probes (a checksum is not a plain stat), same become user', async () => {
    const store = new ProbeMemoryStore();
    const conn = target();
    const r = await conn.exec(raw(':'));
    store.forTask(conn, '', () => []).remember(r.seq, [file, parent], seen);
    const memory = store.forTask(conn, '', () => []);
    expect(memory.recall([file, { path: '/srv/b' }])).toBeUndefined();
    expect(memory.recall([{ path: '/srv/a' }])).toBeUndefined();
    expect(memory.recall([{ ...file, content: true }])).toBeUndefined();
    expect(store.forTask(conn, 'root', () => []).recall([file])).toBeUndefined();
    expect(memory.recall([file])).toBeDefined();
  });

  it('a script that cannot vouch for what it saw (no seq) leaves nothing to recall', () => {
    const store = new ProbeMemoryStore();
    const conn = target();
    const memory = store.forTask(conn, '', () => []);
    memory.remember(undefined, [file], { ...seen, paths: [seen.paths[0]!] });
    expect(memory.recall([file])).toBeUndefined();
  });

  it('two connections to one machine (two users, say) remember nothing: one cannot see the other\'s scripts', async () => {
    const store = new ProbeMemoryStore();
    const asRoot = target('127.0.0.1:22');
    const asPi = target('127.0.0.1:22');
    const r = await asRoot.exec(raw(':'));
    const memory = store.forTask(asRoot, '', () => []);
    memory.remember(r.seq, [file, parent], seen);
    expect(memory.recall([file])).toBeDefined();
    store.forTask(asPi, '', () => []);
    expect(memory.recall([file])).toBeUndefined();
    // Another machine is another matter.
    const other = target('127.0.0.2:22');
    const r2 = await other.exec(raw(':'));
    const otherMemory = store.forTask(other, '', () => []);
    otherMemory.remember(r2.seq, [file], { ...seen, paths: [seen.paths[0]!] });
    expect(otherMemory.recall([file])).toBeDefined();
  });

  it('looks ahead only while the host is not being changed', () => {
    const store = new ProbeMemoryStore();
    const conn = target();
    const ahead = () => [parent];
    expect(store.forTask(conn, '', ahead).upcoming()).toEqual([parent]);
    store.settled(conn, true);
    expect(store.forTask(conn, '', ahead).upcoming()).toEqual([]);
    store.settled(conn, false);
    expect(store.forTask(conn, '', ahead).upcoming()).toEqual([parent]);
  });

  it('probe keys ignore false flags and key order', () => {
    expect(probeKey({ path: '/a', checksum: false, tree: false })).toBe(probeKey({ path: '/a' }));
    expect(probeKey({ path: '/a', checksum: true })).not.toBe(probeKey({ path: '/a' }));
    expect(probeKey({ checksum: true, path: '/a', maxContent: 9 })).toBe(probeKey({ path: '/a', maxContent: 9, checksum: true }));
  });
});
