/** Turns what handlebars throws (it has no structured errors) into positioned TemplateErrors. */
import { errorAt, LocatedFailure, TemplateError, type Origin } from './errors.js';
import { jinjaHint } from './hints.js';

interface HbException extends Error {
  lineNumber?: number;
  column?: number;
}

/** `… - 3:14` suffix that handlebars appends to located messages. */
const LOC_SUFFIX = / - \d+:\d+$/;

/** An error from parsing `text` (hb.parse or our rewrite). */
export function syntaxError(e: unknown, text: string, origin: Origin): TemplateError {
  if (e instanceof TemplateError) return e;
  // The hint for the Jinja habit where the error is: `{{ x and y }}` fails as "unknown helper 'x'".
  const withHint = (reason: string, line: number, column: number) => {
    const hint = jinjaHint(text, offsetOf(text, line, column));
    return hint ? `${reason}; ${hint}` : reason;
  };
  if (e instanceof LocatedFailure) {
    const { line, column } = e.loc?.start ?? { line: 1, column: 0 };
    return errorAt(origin, line, column, e.kind === 'syntax' ? withHint(e.reason, line, column) : e.reason, e.kind);
  }
  const err = e as HbException;
  const message = String(err?.message ?? e);
  const jison = /^(?:Parse|Lexical) error on line (\d+)[:.]/.exec(message);
  if (jison) {
    const { line, column, near } = jisonPosition(message, text, Number(jison[1]));
    return errorAt(origin, line, column, withHint(`template syntax error: unexpected ${near}`, line, column), 'syntax');
  }
  const line = err?.lineNumber ?? 1;
  const column = err?.column ?? 0;
  return errorAt(origin, line, column, withHint(`template syntax error: ${message.replace(LOC_SUFFIX, '')}`, line, column), 'syntax');
}

/** An error thrown while rendering. */
export function renderError(e: unknown, origin: Origin): TemplateError {
  if (e instanceof TemplateError) return e;
  if (e instanceof LocatedFailure) return located(e, origin);
  const err = e as HbException;
  const message = String(err?.message ?? e);
  const line = err?.lineNumber ?? 1;
  const column = err?.column ?? 0;
  // Handlebars' strict-mode lookup (left for `{{#section}}` blocks and data like @index).
  const missing = /^"(.+)" not defined in /.exec(message);
  if (missing) return errorAt(origin, line, column, `undefined variable '${missing[1]}' in template`, 'undefined');
  const partial = /^The partial (.+) could not be found$/.exec(message);
  if (partial) return errorAt(origin, line, column, `partial '${partial[1]}' not found`, 'error');
  return errorAt(origin, line, column, `template error: ${message.split('\n')[0]!.replace(LOC_SUFFIX, '')}`, 'error');
}

/** A 1-based line and 0-based column of `text` → a 0-based offset. */
function offsetOf(text: string, line: number, column: number): number {
  let offset = 0;
  for (let l = 1; l < line; l++) {
    const nl = text.indexOf('\n', offset);
    if (nl === -1) break;
    offset = nl + 1;
  }
  return offset + column;
}

function located(e: LocatedFailure, origin: Origin): TemplateError {
  return errorAt(origin, e.loc?.start.line ?? 1, e.loc?.start.column ?? 0, e.reason, e.kind);
}

/**
 * Jison reports only a line and a caret under the last 20 characters read, newlines removed:
 *   Parse error on line 3:\n...{{foo bar}\n-----------^\nExpecting …, got 'INVALID'
 * Find where that excerpt sits in the text to get the column.
 */
function jisonPosition(message: string, text: string, line: number): { line: number; column: number; near: string } {
  const lines = message.split('\n');
  const caretIdx = lines.findIndex((l) => /^-*\^$/.test(l));
  const got = /got '([^']+)'$/.exec(message)?.[1];
  let near = got === 'EOF' ? 'end of template (is a block or {{ left open?)' : 'text';
  if (caretIdx < 1) return { line, column: 0, near };
  const shown = lines[caretIdx - 1]!;
  const caret = lines[caretIdx]!.length - 1;
  const past = shown.slice(0, caret);
  const upcoming = shown.slice(caret).replace(/\.\.\.$/, '');
  if (got !== 'EOF' && upcoming) near = `'${/^\S{1,12}|^\s/.exec(upcoming)?.[0] ?? upcoming[0]}'`;

  // Offsets of the text with newlines removed, mapped back to offsets in the text.
  const map: number[] = [];
  let flat = '';
  for (let i = 0; i < text.length; i++) {
    if (text[i] !== '\n') {
      map.push(i);
      flat += text[i];
    }
  }
  map.push(text.length);
  const toLineCol = (flatIdx: number) => {
    const off = map[flatIdx] ?? text.length;
    const before = text.slice(0, off);
    return { line: before.split('\n').length, column: off - (before.lastIndexOf('\n') + 1) };
  };
  if (!past.startsWith('...')) return { ...toLineCol(past.length), near };
  const tail = past.slice(3);
  let fallback: { line: number; column: number } | undefined;
  for (let i = flat.indexOf(tail); i !== -1; i = flat.indexOf(tail, i + 1)) {
    const at = i + tail.length;
    if (!flat.startsWith(upcoming, at)) continue;
    const pos = toLineCol(at);
    if (pos.line === line) return { ...pos, near };
    fallback ??= pos;
  }
  return { ...(fallback ?? { line, column: 0 }), near };
}
