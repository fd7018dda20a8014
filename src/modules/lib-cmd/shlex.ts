/**
 * Word splitting as Python's `shlex.split(s, comments=…, posix=True)` does it, because Ansible
 * splits `command:` lines and INI host lines with exactly that: quotes group and are removed,
 * backslash escapes outside single quotes, nothing else ($, |, ;, *) is special.
 */

export interface ShlexToken {
  value: string;
  /** 0-based offset in the input where the word starts (for error columns). */
  start: number;
}

export class ShlexError extends Error {
  constructor(
    message: string,
    /** 0-based offset of the problem. */
    readonly offset: number,
  ) {
    super(message);
    this.name = 'ShlexError';
  }
}

const WHITESPACE = ' \t\r\n';

export function shlexSplitTokens(input: string, opts: { comments?: boolean } = {}): ShlexToken[] {
  const tokens: ShlexToken[] = [];
  let cur: ShlexToken | null = null;
  let i = 0;
  const word = (at: number): ShlexToken => (cur ??= { value: '', start: at });
  while (i < input.length) {
    const c = input[i]!;
    if (WHITESPACE.includes(c)) {
      if (cur) tokens.push(cur);
      cur = null;
      i++;
    } else if (c === '#' && opts.comments) {
      // shlex ends the line at '#' even in the middle of a word (Ansible's documented gotcha).
      const nl = input.indexOf('\n', i);
      i = nl < 0 ? input.length : nl;
    } else if (c === "'") {
      const tok = word(i);
      const end = input.indexOf("'", i + 1);
      if (end < 0) throw new ShlexError('No closing quotation', i);
      tok.value += input.slice(i + 1, end);
      i = end + 1;
    } else if (c === '"') {
      const tok = word(i);
      const open = i++;
      for (;;) {
        if (i >= input.length) throw new ShlexError('No closing quotation', open);
        const d = input[i]!;
        if (d === '"') break;
        // Inside double quotes a backslash escapes only `"` and `\`; otherwise it is kept.
        if (d === '\\' && (input[i + 1] === '"' || input[i + 1] === '\\')) {
          tok.value += input[i + 1];
          i += 2;
        } else {
          tok.value += d;
          i++;
        }
      }
      i++;
    } else if (c === '\\') {
      const tok = word(i);
      if (i + 1 >= input.length) throw new ShlexError('No escaped character', i);
      tok.value += input[i + 1];
      i += 2;
    } else {
      word(i).value += c;
      i++;
    }
  }
  if (cur) tokens.push(cur);
  return tokens;
}

export function shlexSplit(input: string, opts: { comments?: boolean } = {}): string[] {
  return shlexSplitTokens(input, opts).map((t) => t.value);
}
