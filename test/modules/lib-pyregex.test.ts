import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { compilePyRegex, expandTemplate, PyRegexError, pySubn } from '../../src/modules/lib/pyregex.js';

const hasPython = (() => {
  try {
    execFileSync('python3', ['-c', 'pass']);
    return true;
  } catch {
    return false;
  }
})();

/** Python's own answer for re.subn(pattern, repl, text, flags=MULTILINE). */
function pythonSubn(pattern: string, repl: string, text: string): [string, number] {
  const out = execFileSync('python3', ['-c', 'import re,sys,json; r=re.subn(sys.argv[1], sys.argv[2], sys.argv[3], flags=re.M); print(json.dumps(r))', pattern, repl, text], { encoding: 'utf8' });
  return JSON.parse(out) as [string, number];
}

const subCases: [string, string, string][] = [
  ['^(ListenAddress[ ]+)[^\\n]+$', '\\g<1>0.0.0.0', 'Port 22\nListenAddress 1.2.3.4\n'],
  ['^(?P<dctv>ListenAddress[ ]+)(?P<host>[^\\n]+)$', '#\\g<dctv>\\g<host>\\n\\g<dctv>0.0.0.0', 'ListenAddress 1.2.3.4\n'],
  ['\\b(localhost)(\\d*)\\b', '\\1\\2.localdomain\\2 \\1\\2', '127.0.0.1 localhost localhost6\n'],
  ['^(.+)$', '# \\1', 'a\nb\n\nc'],
  ['x*', '-', 'abxd'],
  ['(a)|(b)', '[\\1\\2]', 'ab'],
  ['\\Aa', 'A', 'aa\naa'],
  ['a\\Z', 'Z', 'aa\naa'],
  ['(?i)HELLO', 'bye', 'hello Hello'],
  ['(?s)a.b', 'X', 'a\nb'],
  ['(?x) a \\s+ b  # comment', 'X', 'a   b'],
  ['(?P<w>\\w+) (?P=w)', 'dup:\\g<w>', 'the the cat'],
  ['[]a]', '!', 'a]b'],
  ['(\\w)', '\\101\\t\\\\', 'xy'],
  ['o', '\\.', 'foo'],
];

describe('pySubn agrees with Python re.subn', () => {
  it.skipIf(!hasPython).each(subCases)('%s → %s', (pattern, repl, text) => {
    expect(pySubn(compilePyRegex(pattern, 'm'), repl, text)).toEqual(pythonSubn(pattern, repl, text));
  });

  it('works without Python too (fixed expectations)', () => {
    expect(pySubn(compilePyRegex('^(a)(b)?$', 'm'), '<\\2\\1>', 'a\nab')).toEqual(['<a>\n<ba>', 2]);
    expect(pySubn(compilePyRegex('(?P<n>\\d+)'), 'n=\\g<n>', 'x1y22')).toEqual(['xn=1yn=22', 2]);
  });
});

describe('errors', () => {
  it('reports invalid patterns with the pattern in the message', () => {
    expect(() => compilePyRegex('a(b')).toThrow(PyRegexError);
    expect(() => compilePyRegex('a(b')).toThrow(/"a\(b"/);
  });
  it('rejects scoped inline flags instead of misreading them', () => {
    expect(() => compilePyRegex('(?i:abc)')).toThrow(/scoped inline flags/);
  });
  it('rejects bad group references and escapes in templates', () => {
    const m = /(a)/.exec('a')!;
    expect(() => expandTemplate('\\2', m)).toThrow(/invalid group reference/);
    expect(() => expandTemplate('\\g<nope>', m)).toThrow(/unknown group name/);
    expect(() => expandTemplate('\\q', m)).toThrow(/bad escape/);
  });
});
