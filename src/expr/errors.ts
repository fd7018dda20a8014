/** What went wrong, so callers (templates, `when:`) can word their own message around it. */
export type ExprErrorKind = 'syntax' | 'undefined' | 'type' | 'filter';

/**
 * An expression that cannot be parsed or evaluated. `offset` is 0-based into the text the
 * caller passed; the message says "column" (1-based) because that is what people count.
 */
export class ExprError extends Error {
  override name = 'ExprError';
  constructor(
    readonly reason: string,
    readonly offset: number,
    readonly expr: string,
    readonly kind: ExprErrorKind = 'type',
    /** For kind 'undefined': the dotted path that was undefined ("x", "result.stdout"). */
    readonly path?: string,
  ) {
    super(`${reason} at column ${offset + 1} in "${expr}"`);
  }
}

/**
 * A type or value error from an operation that does not know where it is (values.ts,
 * filters): the interpreter and the template helpers turn it into a positioned error.
 */
export class OpError extends Error {
  override name = 'OpError';
}
