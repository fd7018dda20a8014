import { execFileSync } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { applyMode, chmodArg, defaultMode, formatMode, ModeError, parseMode, resolveMode } from '../../src/modules/lib/mode.js';
import { tempDir } from '../helpers/module-context.js';

const dir = tempDir();
/** The reference is GNU chmod (BusyBox's symbolic modes differ in corner cases: X, o+t, setgid dirs). */
const gnuChmod = (() => {
  try {
    return execFileSync('chmod', ['--version'], { encoding: 'utf8' }).includes('GNU');
  } catch {
    return false;
  }
})();
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** What the real chmod makes of `spec` on a file/dir whose mode is `initial`, under umask 022. */
let n = 0;
function realChmod(initial: number, spec: string, isDir: boolean, umask = 0o022): number {
  const p = join(dir, `m${n++}`);
  if (isDir) mkdirSync(p);
  else writeFileSync(p, '');
  const out = execFileSync('sh', ['-c', 'umask "$1"; chmod "$2" "$4" && chmod -- "$3" "$4" && stat -c %a "$4"', 'sh', umask.toString(8), chmodArg(initial), spec, p], { encoding: 'utf8' });
  rmSync(p, { recursive: true, force: true });
  return parseInt(out.trim(), 8);
}

describe('parseMode', () => {
  it.each([
    ['0644', 0o644],
    ['644', 0o644],
    ['2755', 0o2755],
    ['01777', 0o1777],
    // A YAML number is the value itself: `mode: 0644` arrives as 420 (YAML 1.1 octal).
    [420, 0o644],
    [0o755, 0o755],
    [644, 644],
    [0, 0],
  ] as const)('%j is octal %o', (input, value) => {
    expect(parseMode(input)).toEqual({ kind: 'octal', value });
  });

  it.each(['0999', 0o10000, '', 'u=rwz', 'u', 'z+x', '077777', 'u+x,', -1, 6.5])('rejects %j', (input) => {
    expect(() => parseMode(input as string | number)).toThrow(ModeError);
  });

  it('octal modes are absolute, also on directories with setgid', () => {
    expect(applyMode(parseMode('0755'), 0o2775, { isDir: true, umask: 0o022 })).toBe(0o755);
  });

  it('formats like Ansible', () => {
    expect(formatMode(0o644)).toBe('0644');
    expect(formatMode(0o4755)).toBe('04755');
    expect(formatMode(0o7)).toBe('0007');
    expect(chmodArg(0o755)).toBe('00755');
    expect(defaultMode(0o022, false)).toBe(0o644);
    expect(defaultMode(0o027, true)).toBe(0o750);
  });
});

// Each row: initial mode, symbolic spec, directory? — expected value is whatever chmod does.
const table: [number, string, boolean][] = [
  [0o644, 'u=rw,g=r,o=r', false],
  [0o600, 'u+x', false],
  [0o666, 'go-w', false],
  [0o640, 'a=rX', false],
  [0o740, 'a=rX', false],
  [0o700, 'a=rX', true],
  [0o644, 'a+X', true],
  [0o644, 'u=rwx,g=rx,o=', false],
  [0o777, 'o-rwx,g-w', false],
  [0o644, 'g=u', false],
  [0o750, 'o=g', false],
  [0o640, 'go=u-w', false],
  [0o644, 'u+s,g+s', false],
  [0o755, '+t', true],
  [0o755, 'o+t', true],
  [0o2755, 'u=rwx,g=rx,o=rx', true],
  [0o2755, 'g-s', true],
  [0o4755, 'u=rwx', false],
  [0o644, '+x', false],
  [0o777, '-w', false],
  [0o777, '=r', false],
  [0o600, 'u=rw-x+X', false],
  [0o700, 'ug=rw+X', false],
  [0o000, 'a+rwx,o-wx', false],
  [0o644, 'a=', false],
  [0o1777, 'a=rwx', true],
  [0o4755, 'a-s', false],
];

describe.skipIf(!gnuChmod)('symbolic modes match GNU chmod', () => {
  it.each(table)('%o %s dir=%s', (initial, spec, isDir) => {
    const expected = realChmod(initial, spec, isDir);
    expect(formatMode(resolveMode(spec, initial, { isDir, umask: 0o022 }))).toBe(formatMode(expected));
  });

  it('honours the umask for clauses without who', () => {
    expect(formatMode(resolveMode('+w', 0o444, { isDir: false, umask: 0o027 }))).toBe(formatMode(realChmod(0o444, '+w', false, 0o027)));
  });

  it('random symbolic modes agree with chmod', () => {
    const who = fc.stringMatching(/^[ugoa]{0,2}$/);
    const action = fc.oneof(fc.tuple(fc.constantFrom('+', '-', '='), fc.stringMatching(/^[rwxXst]{0,3}$/)), fc.tuple(fc.constantFrom('+', '-', '='), fc.constantFrom('u', 'g', 'o')));
    const clause = fc.tuple(who, fc.array(action, { minLength: 1, maxLength: 2 })).map(([w, acts]) => w + acts.map(([o, p]) => o + p).join(''));
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 0o7777 }), fc.array(clause, { minLength: 1, maxLength: 3 }), fc.boolean(), (initial, clauses, isDir) => {
        const spec = clauses.join(',');
        expect(formatMode(resolveMode(spec, initial, { isDir, umask: 0o022 }))).toBe(formatMode(realChmod(initial, spec, isDir)));
      }),
      { numRuns: 150 },
    );
  });

});
