/** Where something came from in a user's file (1-based line and column). */
export interface SourcePos {
  file: string;
  line: number;
  col: number;
}

export function formatPos(pos: SourcePos | undefined): string {
  return pos ? `${pos.file}:${pos.line}:${pos.col}` : '';
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
