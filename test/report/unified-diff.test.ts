import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { diffOpcodes, splitLines, unifiedDiff } from '../../src/report/unified-diff.js';

// Expected texts come from Python's difflib.unified_diff driven the way Ansible's _get_diff drives it.
const H = { fromFile: 'before: /etc/app.conf', toFile: 'after: /etc/app.conf' };
const HEAD = '--- before: /etc/app.conf\n+++ after: /etc/app.conf\n';
const lines = (f: (i: number) => string): string => Array.from({ length: 20 }, (_, k) => `${f(k + 1)}\n`).join('');

describe('unifiedDiff', () => {
  it('is empty when nothing differs', () => {
    expect(unifiedDiff('a\nb\n', 'a\nb\n', H)).toBe('');
    expect(unifiedDiff('', '', H)).toBe('');
  });

  it('changes one line with context', () => {
    expect(unifiedDiff('a\nb\nc\n', 'a\nB\nc\n', H)).toBe(`${HEAD}@@ -1,3 +1,3 @@\n a\n-b\n+B\n c\n`);
  });

  it('writes single-line ranges without a length, like difflib', () => {
    expect(unifiedDiff('x\n', 'y\n', H)).toBe(`${HEAD}@@ -1 +1 @@\n-x\n+y\n`);
  });

  it('marks a missing final newline the way Ansible does', () => {
    expect(unifiedDiff('a\nb', 'a\nb\n', H)).toBe(
      `${HEAD}@@ -1,2 +1,2 @@\n a\n-b\n\\ No newline at end of file\n+b\n`,
    );
  });

  it('diffs against an empty file', () => {
    expect(unifiedDiff('', 'a\nb\n', H)).toBe(`${HEAD}@@ -0,0 +1,2 @@\n+a\n+b\n`);
  });

  it('splits distant changes into hunks', () => {
    const before = lines((i) => `l${i}`);
    const after = lines((i) => (i === 2 || i === 18 ? `L${i}` : `l${i}`));
    expect(unifiedDiff(before, after, H)).toBe(
      `${HEAD}@@ -1,5 +1,5 @@\n l1\n-l2\n+L2\n l3\n l4\n l5\n@@ -15,6 +15,6 @@\n l15\n l16\n l17\n-l18\n+L18\n l19\n l20\n`,
    );
  });

  it('merges changes separated by at most 6 lines into one hunk', () => {
    const before = lines((i) => `l${i}`);
    const after = lines((i) => (i === 5 || i === 11 ? `L${i}` : `l${i}`));
    expect(unifiedDiff(before, after, H)).toBe(
      `${HEAD}@@ -2,13 +2,13 @@\n l2\n l3\n l4\n-l5\n+L5\n l6\n l7\n l8\n l9\n l10\n-l11\n+L11\n l12\n l13\n l14\n`,
    );
  });

  it('handles insertions and deletions', () => {
    expect(unifiedDiff('a\nb\nc\nd\ne\nf\ng\n', 'a\nc\nd\nX\ne\nf\ng\nh\n', H)).toBe(
      `${HEAD}@@ -1,7 +1,8 @@\n a\n-b\n c\n d\n+X\n e\n f\n g\n+h\n`,
    );
  });

  it('defaults the headers to before/after', () => {
    expect(unifiedDiff('x\n', 'y\n')).toBe('--- before\n+++ after\n@@ -1 +1 @@\n-x\n+y\n');
  });

  it('says "diff too large" beyond the line cap', () => {
    const big = 'x\n'.repeat(11);
    expect(unifiedDiff(big, 'y\n', { ...H, maxLines: 10 })).toBe(
      `${HEAD}diff too large: 11 lines before, 1 lines after (limit 10)\n`,
    );
  });

  it('copes with completely different files of the maximum size', () => {
    const a = Array.from({ length: 5000 }, (_, i) => `a${i}\n`).join('');
    const b = Array.from({ length: 5000 }, (_, i) => `b${i}\n`).join('');
    const text = unifiedDiff(a, b);
    expect(text.startsWith('--- before\n+++ after\n@@ -1,5000 +1,5000 @@\n-a0\n')).toBe(true);
    expect(text.split('\n').filter((l) => l.startsWith('+b')).length).toBe(5000);
  });
});

describe('splitLines', () => {
  it('keeps line ends like Python splitlines(True)', () => {
    expect(splitLines('a\r\nb\rc\nd')).toEqual(['a\r\n', 'b\r', 'c\n', 'd']);
    expect(splitLines('')).toEqual([]);
  });
});

/** Length of the longest common subsequence, by plain dynamic programming. */
function lcs(a: string[], b: string[]): number {
  const row = new Array<number>(b.length + 1).fill(0);
  for (const x of a) {
    let diag = 0;
    for (let j = 1; j <= b.length; j++) {
      const up = row[j]!;
      row[j] = x === b[j - 1] ? diag + 1 : Math.max(row[j]!, row[j - 1]!);
      diag = up;
    }
  }
  return row[b.length]!;
}

describe('diffOpcodes', () => {
  const seq = fc.array(fc.constantFrom('a', 'b', 'c', 'd'), { maxLength: 30 });

  it('rebuilds b from a and keeps a longest common subsequence (minimal edit)', () => {
    fc.assert(
      fc.property(seq, seq, (a, b) => {
        const codes = diffOpcodes(a, b);
        const rebuilt: string[] = [];
        let equal = 0;
        let i = 0;
        let j = 0;
        for (const c of codes) {
          expect(c.i1).toBe(i);
          expect(c.j1).toBe(j);
          if (c.tag === 'equal') {
            expect(a.slice(c.i1, c.i2)).toEqual(b.slice(c.j1, c.j2));
            equal += c.i2 - c.i1;
          }
          rebuilt.push(...b.slice(c.j1, c.j2));
          i = c.i2;
          j = c.j2;
        }
        expect(i).toBe(a.length);
        expect(rebuilt).toEqual(b);
        expect(equal).toBe(lcs(a, b));
      }),
    );
  });
});
