import { describe, expect, it } from 'vitest';
import { absent, present, type PresentOptions } from '../../src/modules/lib/lineinfile-core.js';
import { compilePyRegex } from '../../src/modules/lib/pyregex.js';
import { readLines } from '../../src/modules/lib/text.js';

type Args = Omit<PresentOptions, 'regexp' | 'insertRe'> & { regexp?: string };

function runPresent(text: string, a: Args) {
  const ins = a.insertafter ?? a.insertbefore;
  const keyword = ins === 'BOF' || (ins === 'EOF' && a.insertafter !== undefined);
  const r = present(readLines(text), {
    ...a,
    regexp: a.regexp === undefined ? undefined : compilePyRegex(a.regexp),
    insertRe: ins === undefined || keyword ? undefined : compilePyRegex(ins),
  });
  return { text: r.lines.join(''), changed: r.changed, msg: r.msg };
}

// Expected results follow ansible.builtin.lineinfile's present() line by line.
const presentCases: [string, string, Args, string, boolean][] = [
  ['regexp replaces the matching line', 'a\nSELINUX=permissive\nb\n', { regexp: '^SELINUX=', line: 'SELINUX=enforcing' }, 'a\nSELINUX=enforcing\nb\n', true],
  ['regexp replaces only the last match', 'x=1\nx=2\n', { regexp: '^x=', line: 'x=3' }, 'x=1\nx=3\n', true],
  ['firstmatch replaces the first match', 'x=1\nx=2\n', { regexp: '^x=', line: 'x=3', firstmatch: true }, 'x=3\nx=2\n', true],
  ['regexp matching the wanted line: unchanged', 'a\nx=3\n', { regexp: '^x=', line: 'x=3' }, 'a\nx=3\n', false],
  ['no match: appended at EOF', 'a\nb\n', { regexp: '^c=', line: 'c=1' }, 'a\nb\nc=1\n', true],
  ['no match, no final newline: one is added first', 'a\nb', { line: 'c' }, 'a\nb\nc\n', true],
  ['exact line present without regexp: unchanged', 'a\nb\nc\n', { line: 'b' }, 'a\nb\nc\n', false],
  ['empty file', '', { line: 'only' }, 'only\n', true],
  ['insertafter: after the last match', 'a\n#x\nb\n#x\nc\n', { line: 'new', insertafter: '^#x' }, 'a\n#x\nb\n#x\nnew\nc\n', true],
  ['insertafter + firstmatch: after the first match', 'a\n#x\nb\n#x\nc\n', { line: 'new', insertafter: '^#x', firstmatch: true }, 'a\n#x\nnew\nb\n#x\nc\n', true],
  ['insertafter without match: EOF', 'a\nb\n', { line: 'new', insertafter: '^zzz' }, 'a\nb\nnew\n', true],
  ['insertafter EOF', 'a\n', { line: 'new', insertafter: 'EOF' }, 'a\nnew\n', true],
  ['insertafter BOF', 'a\n', { line: 'new', insertafter: 'BOF' }, 'new\na\n', true],
  ['insertbefore: before the last match', 'a\nwww 80\nb\nwww 80\n', { line: '# c', insertbefore: '^www' }, 'a\nwww 80\nb\n# c\nwww 80\n', true],
  ['insertbefore + firstmatch', 'a\nwww 80\nb\nwww 80\n', { line: '# c', insertbefore: '^www', firstmatch: true }, 'a\n# c\nwww 80\nb\nwww 80\n', true],
  ['insertbefore BOF', 'a\nb\n', { line: 'top', insertbefore: 'BOF' }, 'top\na\nb\n', true],
  ['insertbefore without match: EOF', 'a\n', { line: 'new', insertbefore: '^zzz' }, 'a\nnew\n', true],
  ['insertbefore matching the first line', 'www\nb\n', { line: 'x', insertbefore: '^www' }, 'x\nwww\nb\n', true],
  ['regexp match wins over insertafter', 'Listen 80\n#Listen 1\n', { regexp: '^Listen ', insertafter: '^#Listen ', line: 'Listen 8080' }, 'Listen 8080\n#Listen 1\n', true],
  ['regexp unmatched: insertafter used', '#Listen 1\nfoo\n', { regexp: '^Listen ', insertafter: '^#Listen ', line: 'Listen 8080' }, '#Listen 1\nListen 8080\nfoo\n', true],
  ['line already after the insertafter match: found exactly, unchanged', '#Listen 1\nListen 8080\n', { regexp: '^Listen ', insertafter: '^#Listen ', line: 'Listen 8080' }, '#Listen 1\nListen 8080\n', false],
  ['insertafter matching an unterminated last line (newline added)', 'a\nlast', { line: 'new', insertafter: '^last' }, 'a\nlast\nnew\n', true],
  ['backrefs expand groups', 'JAVA -Xms512m -foo\n', { regexp: '^(.*)Xms(\\d+)m(.*)$', line: '\\1Xms1024m\\3', backrefs: true }, 'JAVA -Xms1024m -foo\n', true],
  ['backrefs with \\g<1> and named groups', 'host=old\n', { regexp: '^(?P<k>host=).*', line: '\\g<k>new # \\g<1>', backrefs: true }, 'host=new # host=\n', true],
  ['backrefs without a match: unchanged', 'a\n', { regexp: '^zzz(.*)', line: '\\1', backrefs: true }, 'a\n', false],
  ['backrefs idempotent', 'host=new\n', { regexp: '^(host=).*', line: '\\1new', backrefs: true }, 'host=new\n', false],
  ['search_string replaces the line containing it', 'a\n127.0.0.1 old\n', { searchString: '127.0.0.1', line: '127.0.0.1 localhost' }, 'a\n127.0.0.1 localhost\n', true],
  ['search_string is literal', 'a.b\naxb\n', { searchString: 'a.b', line: 'z' }, 'z\naxb\n', true],
  ['exact line with CRLF is rewritten with LF (as Ansible)', 'a\r\nb\r\n', { line: 'a' }, 'a\nb\r\n', true],
  ['regexp match on unterminated last line gets a newline', 'a\nb', { regexp: '^b', line: 'b' }, 'a\nb\n', true],
  ['regexp $ matches before the newline like Python', 'key = 1\n', { regexp: '^key\\s*=\\s*1$', line: 'key = 2' }, 'key = 2\n', true],
];

describe('lineinfile present()', () => {
  it.each(presentCases)('%s', (_name, input, args, expected, changed) => {
    const r = runPresent(input, args);
    expect(r.text).toBe(expected);
    expect(r.changed).toBe(changed);
    if (changed) expect(['line added', 'line replaced']).toContain(r.msg);
    // Idempotence: running again on the result changes nothing (except the documented backrefs-free CRLF case).
    if (!args.backrefs || r.changed) expect(runPresent(r.text, args).changed).toBe(false);
  });
});

describe('lineinfile absent()', () => {
  it.each([
    ['regexp removes every match', 'a=1\nb\na=2\n', { regexp: '^a=' }, 'b\n', 2],
    ['line removes exact lines only', 'x\nxx\nx\r\n', { line: 'x' }, 'xx\n', 2],
    ['search_string removes lines containing it', 'foo bar\nbaz\n', { searchString: 'bar' }, 'baz\n', 1],
    ['nothing matches', 'a\n', { line: 'b' }, 'a\n', 0],
  ] as const)('%s', (_n, input, o, expected, found) => {
    const r = absent(readLines(input), { ...o, regexp: 'regexp' in o ? compilePyRegex(o.regexp) : undefined });
    expect(r.lines.join('')).toBe(expected);
    expect(r.found).toBe(found);
    expect(r.changed).toBe(found > 0);
    if (found) expect(r.msg).toBe(`${found} line(s) removed`);
  });
});
