/**
 * Python `re` syntax, as found in Ansible playbooks, translated to JS RegExp. Covers what
 * playbooks use: named groups `(?P<n>…)`, `(?P=n)`, `\A`/`\Z`, a leading `(?i)`-style flag
 * group, and `\1` / `\g<n>` in replacements. Lookbehind, classes and escapes are the same.
 */
import { OpError } from './errors.js';

export interface RegexOptions {
  ignorecase?: boolean;
  multiline?: boolean;
  global?: boolean;
}

export function pyRegex(pattern: string, opts: RegexOptions = {}): RegExp {
  let flags = opts.global ? 'g' : '';
  let src = pattern;
  const inline = /^\(\?([aiLmsux]+)\)/.exec(src);
  if (inline) {
    src = src.slice(inline[0].length);
    for (const f of inline[1]!) if ('ims'.includes(f) && !flags.includes(f)) flags += f;
  }
  if (opts.ignorecase && !flags.includes('i')) flags += 'i';
  if (opts.multiline && !flags.includes('m')) flags += 'm';
  src = src
    .replace(/\(\?P<([A-Za-z_]\w*)>/g, '(?<$1>')
    .replace(/\(\?P=([A-Za-z_]\w*)\)/g, '\\k<$1>')
    .replace(/(^|[^\\])\\A/g, '$1^')
    .replace(/(^|[^\\])\\Z/g, '$1$');
  try {
    return new RegExp(src, flags + 'u');
  } catch {
    // Without `u`, JS accepts more of Python's loose escapes (`\-` outside classes…).
    try {
      return new RegExp(src, flags);
    } catch (e) {
      throw new OpError(`invalid regular expression '${pattern}': ${(e as Error).message.replace(/^Invalid regular expression: /, '')}`);
    }
  }
}

/**
 * A Python replacement string as a JS replacer: `\1`, `\g<1>`, `\g<name>` are groups,
 * `\n`/`\t`/`\\` are escapes, and `$` is literal (JS would treat `$1` as a group).
 */
export function pyReplacement(repl: string): (match: string, ...rest: unknown[]) => string {
  return (match: string, ...rest: unknown[]) => {
    const last = rest[rest.length - 1];
    const named = typeof last === 'object' && last !== null ? (last as Record<string, string | undefined>) : undefined;
    const groupCount = rest.length - (named ? 3 : 2);
    const group = (ref: string): string => {
      if (/^\d+$/.test(ref)) {
        const n = Number(ref);
        if (n === 0) return match;
        if (n > groupCount) throw new OpError(`invalid group reference ${n} in replacement '${repl}'`);
        return (rest[n - 1] as string | undefined) ?? '';
      }
      if (!named || !Object.hasOwn(named, ref)) throw new OpError(`unknown group name '${ref}' in replacement '${repl}'`);
      return named[ref] ?? '';
    };
    return repl.replace(/\\(?:g<(\w+)>|(\d{1,2})|(.))/gs, (_all, gname: string | undefined, num: string | undefined, ch: string | undefined) => {
      if (gname !== undefined) return group(gname);
      if (num !== undefined) return group(num);
      const escapes: Record<string, string> = { n: '\n', t: '\t', r: '\r', '\\': '\\' };
      return Object.hasOwn(escapes, ch!) ? escapes[ch!]! : `\\${ch}`;
    });
  };
}
