import { describe, expect, test } from 'vitest';
import { SudoSession } from '../../src/connection/become.js';
import { EndReader, envPrefix, payload, runCommand } from '../../src/connection/frame.js';

describe('EndReader', () => {
  const S = 'OASIS_END_0123456789abcdef';
  const stream = Buffer.concat([Buffer.from('héllo €\nno newline'), Buffer.from(`${S} 42\n`, 'latin1')]);

  test('finds the sentinel line however the stream is split', () => {
    for (let a = 0; a <= stream.length; a++) {
      for (const b of [a, Math.min(stream.length, a + 1), Math.min(stream.length, a + 7)]) {
        const r = new EndReader(S);
        const parts = [stream.subarray(0, a), stream.subarray(a, b), stream.subarray(b)];
        const done = parts.map((p) => r.push(p));
        expect(done[2]).toBe(true);
        expect(r.body!.toString('utf8')).toBe('héllo €\nno newline');
        expect(r.trailer).toBe(' 42');
      }
    }
  });

  test('byte by byte, and output after the end is ignored', () => {
    const r = new EndReader(S);
    let doneAt = -1;
    [...stream, ...Buffer.from('stray')].forEach((b, i) => {
      if (r.push(Buffer.from([b])) && doneAt < 0) doneAt = i;
    });
    expect(doneAt).toBe(stream.length - 1);
    expect(r.trailer).toBe(' 42');
  });

  test('a partial sentinel is not an end', () => {
    const r = new EndReader(S);
    expect(r.push(Buffer.from(`${S.slice(0, 10)}\n${S.slice(0, -1)}\n`))).toBe(false);
    expect(r.push(Buffer.from(`${S}\n`))).toBe(true);
    expect(r.body!.toString()).toBe(`${S.slice(0, 10)}\n${S.slice(0, -1)}\n`);
    expect(r.trailer).toBe('');
  });
});

describe('script pieces', () => {
  test('env names are validated; values quoted', () => {
    expect(envPrefix({ A: 'x y', _b1: "it's" })).toBe(`A='x y' _b1='it'\\''s' `);
    expect(() => envPrefix({ 'A;rm': 'x' })).toThrow(/invalid environment variable name/);
    expect(() => envPrefix({ '1A': 'x' })).toThrow(/invalid/);
    expect(() => envPrefix({ A: 'nul\0' })).toThrow(/NUL/);
  });

  test('stdin: /dev/null when absent, printf when given, base64 when it holds NUL', () => {
    expect(runCommand('true', {})).toBe('( eval true ) </dev/null');
    expect(runCommand('cat', { stdin: 'a b' })).toBe(`printf %s 'a b' | ( eval cat )`);
    expect(runCommand('cat', { stdin: '' })).toBe(`printf %s '' | ( eval cat )`);
    expect(runCommand('cat', { stdin: Buffer.from([1, 0, 2]) })).toBe(`printf %s AQAC | base64 -d | ( eval cat )`);
    expect(runCommand('echo $$', { env: { A: 'x y' } })).toBe(`A='x y' sh -c 'echo $$' </dev/null`);
    expect(runCommand('echo "$A"', { env: { A: 'x y' } })).toBe(`( export A='x y' ; eval 'echo "$A"' ) </dev/null`);
    // In the shared shell itself only without env or stdin.
    expect(runCommand('true', { inShell: true })).toBe('command eval true </dev/null');
    expect(runCommand('cat', { inShell: true, stdin: 'x' })).toBe(`printf %s x | ( eval cat )`);
    expect(runCommand('true', { inShell: true, env: { A: 'b' } })).toBe('( export A=b ; eval true ) </dev/null');
    const big = payload(Buffer.alloc(250_000, 0x61));
    expect(big.chunks.map((c) => c.length)).toEqual([100_000, 100_000, 50_000]);
  });
});

describe('SudoSession.scan', () => {
  test('counts prompts and sees the marker across chunk boundaries', () => {
    const s = new SudoSession({ user: 'root', password: 'pw' });
    const text = Buffer.from(`${s.marker} 4242\n${s.prompt}Sorry, try again.\n${s.prompt}\nsudo: no password\n${s.marker}\n`);
    for (let cut = 0; cut < text.length; cut += 3) {
      const t = new SudoSession({ user: 'root', password: 'pw' });
      Object.assign(t, { prompt: s.prompt, marker: s.marker });
      const a = t.scan(text.subarray(0, cut));
      const b = t.scan(text.subarray(cut));
      expect(a.prompts + b.prompts).toBe(2);
      expect(a.ready || b.ready).toBe(true);
      expect(t.prompts).toBe(2);
      expect(t.pid).toBe(4242);
      expect(t.finish({ code: 0, stdout: '', stderr: text.toString() }).stderr).toBe(
        'incorrect sudo password (become user root)\nSorry, try again.\n\nsudo: no password\n',
      );
    }
  });

  test('answers the first prompt only; finish strips what sudo added and explains failures', () => {
    const s = new SudoSession({ user: 'web', password: 'pw' });
    s.scan(Buffer.from(s.prompt));
    expect(s.answer()).toBe('pw\n');
    const ok = s.finish({ code: 0, stdout: 'x', stderr: `${s.prompt}${s.marker}\nwarn\n${s.marker}\n` });
    expect(ok).toEqual({ code: 0, stdout: 'x', stderr: 'warn\n' });
    s.scan(Buffer.from(`Sorry, try again.\n${s.prompt}`));
    expect(s.answer()).toBeUndefined();
    const bad = s.finish({ code: 1, stdout: '', stderr: `${s.prompt}Sorry, try again.\n${s.prompt}\nsudo: 1 incorrect password attempt\n` });
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/^incorrect sudo password \(become user web\)\n/);
    const none = new SudoSession({ user: 'root' });
    none.scan(Buffer.from(none.prompt));
    expect(none.answer()).toBeUndefined();
    expect(none.finish({ code: 1, stdout: '', stderr: none.prompt }).stderr).toMatch(/no become password was given/);
  });
});
