/**
 * The line placement rules of ansible.builtin.lineinfile, ported from its present()/absent()
 * so lines land exactly where Ansible puts them. Pure: lines in, lines out. Lines keep their
 * endings (Python readlines); patterns see a line without its '\n', which is how Python's `$`
 * behaves on a line that still has it.
 */
import { expandTemplate } from './pyregex.js';
import { stripEol } from './text.js';

export interface PresentOptions {
  line: string;
  regexp?: RegExp;
  searchString?: string;
  /** A regexp, 'EOF' or 'BOF'. When neither insert option is given, insertafter is 'EOF'. */
  insertafter?: string;
  insertbefore?: string;
  /** insertafter/insertbefore compiled (when not BOF/EOF). */
  insertRe?: RegExp;
  backrefs?: boolean;
  firstmatch?: boolean;
}

export interface EditResult {
  lines: string[];
  changed: boolean;
  msg: string;
}

const body = (l: string) => (l.endsWith('\n') ? l.slice(0, -1) : l);

export function present(input: string[], o: PresentOptions): EditResult {
  const lines = [...input];
  const insertafter = o.insertafter === undefined && o.insertbefore === undefined ? 'EOF' : o.insertafter;
  const insertbefore = o.insertbefore;
  const insRe = (insertafter !== undefined && insertafter !== 'BOF' && insertafter !== 'EOF') || (insertbefore !== undefined && insertbefore !== 'BOF') ? o.insertRe : undefined;
  let found = -1; // index[0]: line matched by regexp / search_string / exactly
  let insertAt = -1; // index[1]: where insertafter/insertbefore matched
  let match: RegExpExecArray | true | undefined;

  // 1. regexp, 2. search_string: the last match (or the first with firstmatch) is replaced.
  if (o.regexp) {
    for (const [i, l] of lines.entries()) {
      const m = o.regexp.exec(body(l)); // compilePyRegex never sets the g flag, so exec is stateless
      if (m) {
        found = i;
        match = m;
        if (o.firstmatch) break;
      }
    }
  }
  if (o.searchString !== undefined) {
    for (const [i, l] of lines.entries()) {
      if (l.includes(o.searchString)) {
        found = i;
        match = true;
        if (o.firstmatch) break;
      }
    }
  }
  // 3. No match: look for the exact line, and for the insertion point.
  if (!match) {
    for (const [i, l] of lines.entries()) {
      if (o.line === stripEol(l)) {
        found = i;
      } else if (insRe && insRe.test(body(l))) {
        if (insertafter) {
          insertAt = i + 1;
          if (o.firstmatch) break;
        }
        if (insertbefore) {
          insertAt = i;
          if (o.firstmatch) break;
        }
      }
    }
  }

  const added = (): EditResult => ({ lines, changed: true, msg: 'line added' });
  const unchanged = (): EditResult => ({ lines, changed: false, msg: '' });
  const ensureLastNewline = () => {
    const last = lines[lines.length - 1];
    if (last !== undefined && !/[\r\n]$/.test(last)) lines[lines.length - 1] = last + '\n';
  };

  if (found !== -1) {
    let newLine = o.backrefs && match && match !== true ? expandTemplate(o.line, match) : o.line;
    if (!newLine.endsWith('\n')) newLine += '\n';
    if (lines[found] === newLine) return unchanged();
    lines[found] = newLine;
    return { lines, changed: true, msg: 'line replaced' };
  }
  if (o.backrefs) return unchanged(); // no match: expanding backrefs would be guesswork
  if (insertbefore === 'BOF' || insertafter === 'BOF') {
    lines.unshift(o.line + '\n');
    return added();
  }
  if (insertafter === 'EOF' || insertAt === -1) {
    ensureLastNewline();
    lines.push(o.line + '\n');
    return added();
  }
  if (insertafter) {
    // Not inserted again when the line already follows the insertafter match.
    if (insertAt === lines.length) {
      if (stripEol(lines[insertAt - 1]!) === o.line) return unchanged();
      ensureLastNewline(); // Ansible would glue the line to an unterminated last line here

      lines.push(o.line + '\n');
      return added();
    }
    if (stripEol(lines[insertAt]!) === o.line) return unchanged();
    lines.splice(insertAt, 0, o.line + '\n');
    return added();
  }
  lines.splice(insertAt, 0, o.line + '\n');
  return added();
}

export interface AbsentOptions {
  line?: string;
  regexp?: RegExp;
  searchString?: string;
}

export function absent(input: string[], o: AbsentOptions): EditResult & { found: number } {
  const matches = (l: string): boolean => {
    if (o.regexp) return o.regexp.test(body(l));
    if (o.searchString !== undefined) return l.includes(o.searchString);
    return o.line === stripEol(l);
  };
  const lines = input.filter((l) => !matches(l));
  const found = input.length - lines.length;
  return { lines, found, changed: found > 0, msg: found > 0 ? `${found} line(s) removed` : '' };
}
