/**
 * Ansible's lineinfile/replace/blockinfile take Python `re` patterns and replacement templates.
 * JavaScript regexes are close; this converts the Python-only syntax people actually write
 * and expands replacement templates exactly as Python's `match.expand`/`re.sub` do.
 */

export class PyRegexError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PyRegexError';
  }
}

/**
 * Compiles a Python pattern to a JS RegExp.
 * Converted: `(?P<name>...)` → `(?<name>...)`, `(?P=name)` → `\k<name>`, `\A`, `\Z`, and leading
 * global flags `(?imsx)` (verbose mode strips whitespace and comments). Scoped flags `(?i:...)`
 * and other Python-only constructs are reported as errors rather than silently misread.
 * `extraFlags` are added the way Python's re.MULTILINE / re.DOTALL arguments would be.
 */
export function compilePyRegex(pattern: string, extraFlags = '', what = 'regexp'): RegExp {
  let src = pattern;
  const flags = new Set(extraFlags.split('').filter(Boolean));
  for (;;) {
    const m = /^\(\?([aiLmsux]+)\)/.exec(src);
    if (!m) break;
    for (const f of m[1]!) flags.add(f);
    src = src.slice(m[0].length);
  }
  if (flags.has('x')) src = stripVerbose(src);
  const jsFlags = ['i', 'm', 's'].filter((f) => flags.has(f)).join('');
  try {
    return new RegExp(translate(src), jsFlags);
  } catch (e) {
    throw new PyRegexError(`invalid ${what} ${JSON.stringify(pattern)}: ${(e as Error).message}`);
  }
}

/** Rewrites Python-only syntax outside character classes; escapes are copied as they are. */
function translate(src: string): string {
  let out = '';
  let inClass = false;
  for (let i = 0; i < src.length; i++) {
    const c = src[i]!;
    if (c === '\\') {
      const next = src[i + 1] ?? '';
      i++;
      if (!inClass && next === 'A') out += '(?<![\\s\\S])';
      else if (!inClass && next === 'Z') out += '(?![\\s\\S])';
      else out += c + next;
      continue;
    }
    if (inClass) {
      if (c === ']') inClass = false;
      out += c;
      continue;
    }
    if (c === '[') {
      inClass = true;
      out += c;
      // A ']' right after '[' or '[^' is literal in Python; JS would end the class there.
      if (src[i + 1] === '^') out += src[++i];
      if (src[i + 1] === ']') {
        out += '\\]';
        i++;
      }
      continue;
    }
    if (src.startsWith('(?P<', i)) {
      out += '(?<';
      i += 3;
      continue;
    }
    const backref = /^\(\?P=(\w+)\)/.exec(src.slice(i));
    if (backref) {
      out += `\\k<${backref[1]}>`;
      i += backref[0].length - 1;
      continue;
    }
    if (/^\(\?[aiLmsux-]+:/.test(src.slice(i))) throw new PyRegexError(`scoped inline flags are not supported: ${src.slice(i, i + 8)}…`);
    out += c;
  }
  return out;
}

/** re.VERBOSE: drop unescaped whitespace and # comments outside character classes. */
function stripVerbose(src: string): string {
  let out = '';
  let inClass = false;
  for (let i = 0; i < src.length; i++) {
    const c = src[i]!;
    if (c === '\\') {
      out += c + (src[++i] ?? '');
    } else if (inClass) {
      if (c === ']') inClass = false;
      out += c;
    } else if (c === '[') {
      inClass = true;
      out += c;
    } else if (c === '#') {
      while (i < src.length && src[i] !== '\n') i++;
    } else if (!/\s/.test(c)) {
      out += c;
    }
  }
  return out;
}

const SIMPLE_ESCAPES: Record<string, string> = { n: '\n', t: '\t', r: '\r', f: '\f', v: '\v', a: '\x07', b: '\b', '\\': '\\' };

/**
 * Expands a Python replacement template (`\1`, `\g<1>`, `\g<name>`, `\n`, octal `\012`) against
 * a match, like `match.expand(template)`. Unmatched groups expand to ''. Bad references throw.
 */
export function expandTemplate(template: string, match: RegExpExecArray): string {
  let out = '';
  const groupCount = match.length - 1;
  const group = (ref: string): string => {
    if (/^\d+$/.test(ref)) {
      const n = Number(ref);
      if (n > groupCount) throw new PyRegexError(`invalid group reference ${ref} in ${JSON.stringify(template)}`);
      return match[n] ?? '';
    }
    if (!match.groups || !(ref in match.groups)) throw new PyRegexError(`unknown group name ${JSON.stringify(ref)} in ${JSON.stringify(template)}`);
    return match.groups[ref] ?? '';
  };
  for (let i = 0; i < template.length; i++) {
    const c = template[i]!;
    if (c !== '\\') {
      out += c;
      continue;
    }
    const rest = template.slice(i + 1);
    let m: RegExpExecArray | null;
    if ((m = /^g<([^>]*)>/.exec(rest))) {
      out += group(m[1]!);
      i += m[0].length;
    } else if ((m = /^(0[0-7]{0,2}|[0-7]{3})/.exec(rest)) && (m[1]!.startsWith('0') || m[1]!.length === 3)) {
      // Python: \0, \0oo, or three octal digits form a character, not a group.
      const code = parseInt(m[1]!, 8);
      if (code > 0o377) throw new PyRegexError(`octal escape value \\${m[1]} outside of range 0-0o377`);
      out += String.fromCharCode(code);
      i += m[0].length;
    } else if ((m = /^[1-9][0-9]?/.exec(rest))) {
      out += group(m[0]);
      i += m[0].length;
    } else if (rest[0] !== undefined && rest[0] in SIMPLE_ESCAPES) {
      out += SIMPLE_ESCAPES[rest[0]];
      i += 1;
    } else if (rest[0] !== undefined && /[A-Za-z]/.test(rest[0])) {
      throw new PyRegexError(`bad escape \\${rest[0]} in ${JSON.stringify(template)}`);
    } else {
      // Python keeps unknown non-letter escapes (and a trailing backslash) as written.
      out += '\\' + (rest[0] ?? '');
      i += rest[0] === undefined ? 0 : 1;
    }
  }
  return out;
}

/** `re.subn(pattern, template, text)`: every non-overlapping match replaced; returns the count too. */
export function pySubn(re: RegExp, template: string, text: string): [string, number] {
  const global = new RegExp(re.source, re.flags.includes('g') ? re.flags : re.flags + 'g');
  let count = 0;
  const result = text.replace(global, (...args: unknown[]) => {
    count++;
    // Rebuild an exec-style array so expandTemplate sees groups the same way.
    const hasGroups = typeof args[args.length - 1] === 'object' && args[args.length - 1] !== undefined;
    const groups = hasGroups ? (args[args.length - 1] as Record<string, string | undefined>) : undefined;
    const captures = args.slice(0, hasGroups ? -3 : -2) as (string | undefined)[];
    const m = Object.assign(captures, { index: 0, input: text, groups }) as unknown as RegExpExecArray;
    return expandTemplate(template, m);
  });
  return [result, count];
}
