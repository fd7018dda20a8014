/**
 * Python's fnmatch.translate: `*` any run, `?` one character, `[abc]`/`[a-z]` a class, `[!x]`
 * its complement, an unclosed `[` itself; case-sensitive, the whole name must match.
 */
export function fnmatchRegExp(pattern: string): RegExp {
  let out = '';
  let i = 0;
  while (i < pattern.length) {
    const c = pattern[i++]!;
    if (c === '*') {
      if (!out.endsWith('.*')) out += '.*';
    } else if (c === '?') {
      out += '.';
    } else if (c === '[') {
      let j = i;
      if (pattern[j] === '!') j++;
      if (pattern[j] === ']') j++;
      while (j < pattern.length && pattern[j] !== ']') j++;
      if (j >= pattern.length) {
        out += '\\[';
        continue;
      }
      let body = pattern.slice(i, j);
      i = j + 1;
      const negate = body.startsWith('!');
      if (negate) body = body.slice(1);
      if (body === '') {
        out += negate ? '.' : '(?!)';
        continue;
      }
      // Escape what a JS class would read specially; keep `-` ranges.
      const cls = body.replace(/[\\\]^[]/g, '\\$&');
      out += `[${negate ? '^' : ''}${cls}]`;
    } else {
      out += c.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
    }
  }
  try {
    return new RegExp(`^(?:${out})$`, 'su');
  } catch {
    return /(?!)/; // a reversed range such as [z-a]: Python drops it, and it matches nothing
  }
}
