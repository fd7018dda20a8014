import { isAbsolute, relative } from 'node:path';

/** Where something came from in a user's file (1-based line and column). */
export interface SourcePos {
  file: string;
  line: number;
  col: number;
}

export function formatPos(pos: SourcePos | undefined): string {
  return pos ? `${pos.file}:${pos.line}:${pos.col}` : '';
}

/** Files are shown relative to the working directory when inside it, as the inventory does. */
export function shownPath(file: string): string {
  if (!isAbsolute(file)) return file;
  const rel = relative(process.cwd(), file);
  if (rel === '') return '.';
  return !rel.startsWith('..') && !isAbsolute(rel) ? rel : file;
}

/** Errors about the user's input (positioned, shown without a stack trace), as opposed to bugs. */
export function isUserFacing(e: unknown): e is Error {
  return e instanceof UserError || (e instanceof Error && ['TemplateError', 'ExprError'].includes(e.name));
}

/** A problem in user input: always rendered as `file:line:col: message`, never with a stack trace. */
export class UserError extends Error {
  constructor(
    message: string,
    readonly pos?: SourcePos,
    readonly exitCode = 1,
  ) {
    super(pos ? `${formatPos(pos)}: ${message}` : message);
    this.name = 'UserError';
  }
}
