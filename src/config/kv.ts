/**
 * Ansible's `k=v` argument strings: `copy: src=a.conf dest="/etc/my app.conf" mode=0644`.
 * Words that are not `key=value` form the free-form text (command/shell's command line).
 */
export function splitArgs(text: string): string[] {
  const words: string[] = [];
  let cur = '';
  let quote: string | null = null;
  let inWord = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quote) {
      if (c === '\\' && quote === '"' && i + 1 < text.length) {
        cur += c + text[++i];
        continue;
      }
      cur += c;
      if (c === quote) quote = null;
    } else if (c === '"' || c === "'") {
      quote = c;
      cur += c;
      inWord = true;
    } else if (/\s/.test(c)) {
      if (inWord) words.push(cur);
      cur = '';
      inWord = false;
    } else {
      cur += c;
      inWord = true;
    }
  }
  if (quote) throw new Error(`unterminated ${quote} quote in "${text}"`);
  if (inWord) words.push(cur);
  return words;
}

function unquote(v: string): string {
  if (v.length >= 2 && (v[0] === '"' || v[0] === "'") && v.at(-1) === v[0]) {
    const inner = v.slice(1, -1);
    return v[0] === '"' ? inner.replace(/\\(["\\])/g, '$1') : inner;
  }
  return v;
}

/**
 * Parses `k=v` pairs. With a free-form module, words that are not assignments to one of
 * `knownParams` stay in the free-form text, exactly as written.
 */
export function parseKeyValueArgs(text: string, freeForm?: { param: string; knownParams: Set<string> }): Record<string, unknown> {
  const args: Record<string, unknown> = {};
  const free: string[] = [];
  for (const word of splitArgs(text)) {
    const m = /^([A-Za-z_][A-Za-z0-9_]*)=(.*)$/s.exec(word);
    if (m && (!freeForm || freeForm.knownParams.has(m[1]!))) args[m[1]!] = unquote(m[2]!);
    else if (freeForm) free.push(word);
    else throw new Error(`'${word}' is not a key=value argument`);
  }
  if (freeForm && free.length) args[freeForm.param] = free.join(' ');
  return args;
}
