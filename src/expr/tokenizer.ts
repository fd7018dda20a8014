/** Splits a Jinja-style expression into tokens; every token keeps its offset for messages. */
import { ExprError } from './errors.js';

export type TokenType = 'num' | 'str' | 'name' | 'op' | 'eof';

export interface Token {
  type: TokenType;
  /** Operator or name text; the decoded value for strings; the source text for numbers. */
  text: string;
  value?: number | string;
  at: number;
  end: number;
}

// Longest first, so "//" wins over "/" and "<=" over "<".
const OPERATORS = ['**', '//', '==', '!=', '<=', '>=', '+', '-', '*', '/', '%', '~', '<', '>', '|', '.', ',', ':', '(', ')', '[', ']', '{', '}', '='];

const ESCAPES: Record<string, string> = { n: '\n', t: '\t', r: '\r', '\\': '\\', "'": "'", '"': '"', '0': '\0', a: '\x07', b: '\b', f: '\f', v: '\v' };

export function tokenize(src: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  while (i < src.length) {
    const c = src[i]!;
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    const start = i;
    if (/[0-9]/.test(c)) {
      const m = /^(?:\d+(?:_\d+)*)(?:\.\d+)?(?:[eE][+-]?\d+)?/.exec(src.slice(i))!;
      const text = m[0];
      i += text.length;
      if (/^[A-Za-z_]/.test(src.slice(i))) throw new ExprError(`invalid number '${text}${src[i]}'`, start, src, 'syntax');
      out.push({ type: 'num', text, value: Number(text.replace(/_/g, '')), at: start, end: i });
      continue;
    }
    if (/[A-Za-z_]/.test(c)) {
      const text = /^[A-Za-z_][A-Za-z0-9_]*/.exec(src.slice(i))![0];
      i += text.length;
      out.push({ type: 'name', text, at: start, end: i });
      continue;
    }
    if (c === "'" || c === '"') {
      const { value, end } = readString(src, i);
      i = end;
      out.push({ type: 'str', text: src.slice(start, end), value, at: start, end });
      continue;
    }
    const op = OPERATORS.find((o) => src.startsWith(o, i));
    if (!op) throw new ExprError(`unexpected character '${c}'`, i, src, 'syntax');
    i += op.length;
    out.push({ type: 'op', text: op, at: start, end: i });
  }
  // "Unexpected end" points just after the last character, not at trailing blanks.
  const end = src.trimEnd().length;
  out.push({ type: 'eof', text: 'end of expression', at: end, end });
  return out;
}

/** Python string literal rules: known escapes decoded, unknown ones (`\d`) kept as written. */
function readString(src: string, start: number): { value: string; end: number } {
  const quote = src[start];
  let i = start + 1;
  let value = '';
  while (i < src.length) {
    const c = src[i]!;
    if (c === quote) return { value, end: i + 1 };
    if (c === '\\' && i + 1 < src.length) {
      const n = src[i + 1]!;
      const hex = n === 'x' ? /^[0-9a-fA-F]{2}/.exec(src.slice(i + 2)) : n === 'u' ? /^[0-9a-fA-F]{4}/.exec(src.slice(i + 2)) : null;
      if (hex) {
        value += String.fromCharCode(parseInt(hex[0], 16));
        i += 2 + hex[0].length;
      } else if (Object.hasOwn(ESCAPES, n)) {
        value += ESCAPES[n];
        i += 2;
      } else {
        value += c + n;
        i += 2;
      }
      continue;
    }
    value += c;
    i++;
  }
  throw new ExprError('unterminated string', start, src, 'syntax');
}
