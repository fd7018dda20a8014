/**
 * Ansible's `k=v` argument strings: `copy: src=a.conf dest="/etc/my app.conf" mode=0644`.
 * Words that are not `key=value` form the free-form text (command/shell's command line).
 */
export function splitArgs(text: string): string[] {
  return splitArgSpans(text).map((w) => w.text);
}

interface Span {
  text: string;
  start: number;
  end: number;
}

/** Words with their offsets, so free-form text can be kept exactly as written. */
function splitArgSpans(text: string): Span[] {
  const words: Span[] = [];
  let cur = '';
  let start = 0;
  let quote: string | null = null;
  let inWord = false;
  // Like Ansible's split_args, spaces inside `{{ ... }}` do not end a word.
  let braces = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (!quote && c === '{' && text[i + 1] === '{') braces++;
    if (!quote && c === '}' && text[i + 1] === '}' && braces > 0) braces--;
    if (braces > 0 && !quote) {
      if (!inWord) start = i;
      cur += c;
      inWord = true;
      continue;
    }
    if (quote) {
      if (c === '\\' && quote === '"' && i + 1 < text.length) {
        cur += c + text[++i];
        continue;
      }
      cur += c;
      if (c === quote) quote = null;
    } else if (c === '"' || c === "'") {
      if (!inWord) start = i;
      quote = c;
      cur += c;
      inWord = true;
    } else if (/\s/.test(c)) {
      if (inWord) words.push({ text: cur, start, end: i });
      cur = '';
      inWord = false;
    } else {
      if (!inWord) start = i;
      cur += c;
      inWord = true;
    }
  }
  if (quote) throw new Error(`unterminated ${quote} quote in "${text}"`);
  if (inWord) words.push({ text: cur, start, end: text.length });
  return words;
}

/** Outer matching quotes removed, as Ansible's unquote (escapes were decoded before). */
function unquote(v: string): string {
  if (v.length >= 2 && (v[0] === '"' || v[0] === "'") && v.at(-1) === v[0] && v.at(-2) !== '\\') return v.slice(1, -1);
  return v;
}

const SIMPLE_ESCAPES: Record<string, string> = { '\\': '\\', "'": "'", '"': '"', a: '\x07', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t', v: '\v' };

/** Python-style escapes in a `k=v` word, decoded as Ansible's parse_kv does (`content="a\\n"` is a newline). */
export function decodeEscapes(word: string): string {
  return word.replace(/\\(U[0-9a-fA-F]{8}|u[0-9a-fA-F]{4}|x[0-9a-fA-F]{2}|[0-7]{1,3}|[\\'"abfnrtv])/g, (whole, esc: string) => {
    const simple = SIMPLE_ESCAPES[esc];
    if (simple !== undefined) return simple;
    const code = /^[0-7]/.test(esc) ? parseInt(esc, 8) : parseInt(esc.slice(1), 16);
    return code <= 0x10ffff ? String.fromCodePoint(code) : whole;
  });
}

/**
 * Parses `k=v` pairs. With a free-form module, words that are not assignments to one of
 * `knownParams` stay in the free-form text, exactly as written.
 */
export function parseKeyValueArgs(text: string, freeForm?: { param: string; knownParams: Set<string> }): Record<string, unknown> {
  const args: Record<string, unknown> = {};
  // The free-form text keeps its own spacing and newlines (a multi-line `shell: |` script).
  let free = '';
  let from = 0;
  for (const word of splitArgSpans(text)) {
    const m = /^([A-Za-z_][A-Za-z0-9_]*)=(.*)$/s.exec(word.text);
    if (m && (!freeForm || freeForm.knownParams.has(m[1]!))) {
      args[m[1]!] = unquote(decodeEscapes(m[2]!));
      free += text.slice(from, word.start);
      from = word.end;
    } else if (!freeForm) throw new Error(`'${word.text}' is not a key=value argument`);
  }
  free = (free + text.slice(from)).trim();
  if (freeForm && free) args[freeForm.param] = free;
  return args;
}
