/** String filters (Jinja/Ansible names and semantics). Pure: value in, value out. */
import { createHash } from 'node:crypto';
import { quote as shQuote } from '../shell/sh.js';
import { OpError } from './errors.js';
import { pyRegex, pyReplacement } from './regex.js';
import { isDict, toText, truthy, typeName } from './values.js';

/** Scalars read as text; lists and dicts are refused rather than silently stringified. */
export function asText(v: unknown, what: string): string {
  if (Array.isArray(v) || isDict(v)) throw new OpError(`${what} expects a string, got '${typeName(v)}'`);
  return toText(v);
}

export function asInt(v: unknown, what: string): number {
  if (typeof v !== 'number' || !Number.isInteger(v)) throw new OpError(`${what} expects an integer, got '${typeName(v)}'`);
  return v;
}

export const lower = (v: unknown) => asText(v, 'lower').toLowerCase();
export const upper = (v: unknown) => asText(v, 'upper').toUpperCase();
export function capitalize(v: unknown): string {
  const s = asText(v, 'capitalize');
  return s.charAt(0).toUpperCase() + s.slice(1).toLowerCase();
}

/** Python str.strip: whitespace, or any of `chars`. */
export function trim(v: unknown, chars?: unknown, side: 'both' | 'left' | 'right' = 'both'): string {
  const s = asText(v, 'trim');
  if (chars === undefined || chars === null) {
    return side === 'both' ? s.trim() : side === 'left' ? s.trimStart() : s.trimEnd();
  }
  const set = asText(chars, 'trim');
  let a = 0;
  let b = s.length;
  if (side !== 'right') while (a < b && set.includes(s[a]!)) a++;
  if (side !== 'left') while (b > a && set.includes(s[b - 1]!)) b--;
  return s.slice(a, b);
}

/** Python str.replace: every occurrence, or the first `count`. */
export function replace(v: unknown, old: unknown, repl: unknown, count?: unknown): string {
  const s = asText(v, 'replace');
  const o = asText(old, 'replace');
  const r = asText(repl, 'replace');
  let n = count === undefined || count === null ? Infinity : asInt(count, 'replace count');
  if (n < 0) n = Infinity;
  if (o === '') throw new OpError('replace: the string to replace is empty');
  let out = '';
  let from = 0;
  for (let i = s.indexOf(o); i !== -1 && n > 0; i = s.indexOf(o, from), n--) {
    out += s.slice(from, i) + r;
    from = i + o.length;
  }
  return out + s.slice(from);
}

/** Python str.split: on runs of whitespace when no separator is given. */
export function split(v: unknown, sep?: unknown, maxsplit?: unknown): string[] {
  const s = asText(v, 'split');
  const max = maxsplit === undefined || maxsplit === null ? -1 : asInt(maxsplit, 'split maxsplit');
  if (sep === undefined || sep === null) {
    const parts: string[] = [];
    const re = /\S+/g;
    for (let m = re.exec(s); m; m = re.exec(s)) {
      if (max >= 0 && parts.length === max) {
        parts.push(s.slice(m.index).trimEnd());
        break;
      }
      parts.push(m[0]);
    }
    return parts;
  }
  const d = asText(sep, 'split');
  if (d === '') throw new OpError('split: empty separator');
  const parts = s.split(d);
  if (max < 0 || parts.length <= max + 1) return parts;
  return [...parts.slice(0, max), parts.slice(max).join(d)];
}

export function regexReplace(v: unknown, pattern: unknown, repl: unknown = '', ignorecase?: unknown, multiline?: unknown, count?: unknown): string {
  const s = asText(v, 'regex_replace');
  const re = pyRegex(asText(pattern, 'regex_replace'), { ignorecase: truthy(ignorecase), multiline: truthy(multiline), global: true });
  let n = count === undefined || count === null || count === 0 ? Infinity : asInt(count, 'regex_replace count');
  const replacer = pyReplacement(asText(repl, 'regex_replace'));
  return s.replace(re, (...m: unknown[]) => (n-- > 0 ? replacer(m[0] as string, ...m.slice(1)) : (m[0] as string)));
}

/**
 * Ansible regex_search: the first match (or null); with group arguments ('\\1', '\\g<name>')
 * the list of those groups instead.
 */
export function regexSearch(v: unknown, pattern: unknown, groups: unknown[], opts: { ignorecase?: unknown; multiline?: unknown }): unknown {
  const s = asText(v, 'regex_search');
  const m = pyRegex(asText(pattern, 'regex_search'), { ignorecase: truthy(opts.ignorecase), multiline: truthy(opts.multiline) }).exec(s);
  if (!m) return null;
  if (groups.length === 0) return m[0];
  return groups.map((g) => {
    const ref = /^\\(?:g<(\w+)>|(\d+))$/.exec(asText(g, 'regex_search'));
    if (!ref) throw new OpError(`regex_search: group arguments look like '\\\\1' or '\\\\g<name>', got '${toText(g)}'`);
    return (ref[1] !== undefined ? (/^\d+$/.test(ref[1]) ? m[Number(ref[1])] : m.groups?.[ref[1]]) : m[Number(ref[2])]) ?? null;
  });
}

/** All matches; the groups of each match when the pattern has groups (Python re.findall). */
export function regexFindall(v: unknown, pattern: unknown, ignorecase?: unknown, multiline?: unknown): unknown[] {
  const s = asText(v, 'regex_findall');
  const re = pyRegex(asText(pattern, 'regex_findall'), { ignorecase: truthy(ignorecase), multiline: truthy(multiline), global: true });
  return [...s.matchAll(re)].map((m) => (m.length === 1 ? m[0] : m.length === 2 ? (m[1] ?? '') : m.slice(1).map((g) => g ?? '')));
}

export const regexEscape = (v: unknown) => asText(v, 'regex_escape').replace(/[.*+?^${}()|[\]\\\/-]/g, '\\$&');

export const b64encode = (v: unknown) => Buffer.from(asText(v, 'b64encode'), 'utf8').toString('base64');
export function b64decode(v: unknown): string {
  const s = asText(v, 'b64decode').trim();
  if (!/^[A-Za-z0-9+/_-]*={0,2}$/.test(s)) throw new OpError('b64decode: not base64 text');
  return Buffer.from(s, 'base64').toString('utf8');
}

/** Python os.path.basename: the part after the last slash ('' for "dir/"). */
export function basename(v: unknown): string {
  const s = asText(v, 'basename');
  return s.slice(s.lastIndexOf('/') + 1);
}

/** Python os.path.dirname: the part before the last slash, trailing slashes dropped. */
export function dirname(v: unknown): string {
  const s = asText(v, 'dirname');
  const head = s.slice(0, s.lastIndexOf('/') + 1);
  return /^\/+$/.test(head) ? head : head.replace(/\/+$/, '');
}

/** POSIX shell quoting; a list becomes space-separated quoted words. */
export function quote(v: unknown): string {
  if (Array.isArray(v)) return v.map(quote).join(' ');
  const s = asText(v, 'quote');
  return shQuote(s);
}

const HASHES = new Set(['md5', 'sha1', 'sha224', 'sha256', 'sha384', 'sha512']);
export function hash(v: unknown, algorithm: unknown = 'sha1'): string {
  const alg = asText(algorithm, 'hash');
  if (!HASHES.has(alg)) throw new OpError(`hash: unknown algorithm '${alg}' (use one of ${[...HASHES].join(', ')})`);
  return createHash(alg).update(asText(v, 'hash'), 'utf8').digest('hex');
}

/** Jinja indent: every line but the first (unless `first`), blank lines left alone. */
export function indent(v: unknown, width: unknown = 4, first: unknown = false, blank: unknown = false): string {
  const pad = typeof width === 'number' ? ' '.repeat(asInt(width, 'indent width')) : asText(width, 'indent');
  return asText(v, 'indent')
    .split('\n')
    .map((line, i) => ((i > 0 || truthy(first)) && (line !== '' || truthy(blank)) ? pad + line : line))
    .join('\n');
}
