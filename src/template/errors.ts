/** Template errors, always positioned in the user's file: `FILE:LINE:COL: reason`. */
import type { SourcePos } from '../model/source.js';

export type { SourcePos } from '../model/source.js';

export type TemplateErrorKind = 'undefined' | 'syntax' | 'helper' | 'error';

export class TemplateError extends Error {
  override name = 'TemplateError';
  constructor(
    readonly file: string,
    readonly line: number,
    readonly col: number,
    readonly reason: string,
    readonly kind: TemplateErrorKind = 'error',
  ) {
    super(`${file}:${line}:${col}: ${reason}`);
  }
}

/** A handlebars location: 1-based line, 0-based column. */
export interface HbLoc {
  start: { line: number; column: number };
}

/**
 * Raised inside helpers and the AST rewrite, where the text's origin is unknown; the engine
 * turns it into a TemplateError once it knows where the text came from.
 */
export class LocatedFailure extends Error {
  override name = 'LocatedFailure';
  constructor(
    readonly reason: string,
    readonly kind: TemplateErrorKind,
    readonly loc?: HbLoc,
  ) {
    super(reason);
  }
}

/** Where a template text starts: a file's first character, or a YAML string in a playbook. */
export interface Origin {
  file: string;
  line: number;
  col: number;
}

export function originOf(where: SourcePos | undefined): Origin {
  return where ? { file: where.file, line: where.line, col: where.col } : { file: '<template>', line: 1, col: 1 };
}

/**
 * A position inside the text (1-based line, 0-based column) → a position in the user's file.
 * Later lines keep the first line's indentation: a YAML block scalar's lines all share it, and
 * a template file starts at column 1.
 */
export function positionIn(origin: Origin, line: number, column: number): { line: number; col: number } {
  return { line: origin.line + Math.max(0, line - 1), col: origin.col + column };
}

/** A 0-based offset into the text → line (1-based) and column (0-based) within the text. */
export function lineColumnAt(text: string, offset: number): { line: number; column: number } {
  const before = text.slice(0, offset);
  const nl = before.lastIndexOf('\n');
  return { line: before.split('\n').length, column: offset - (nl + 1) };
}

export function errorAt(origin: Origin, line: number, column: number, reason: string, kind: TemplateErrorKind): TemplateError {
  const p = positionIn(origin, line, column);
  return new TemplateError(origin.file, p.line, p.col, reason, kind);
}
