/**
 * Safe evaluation of Jinja-style expressions (`when:`, `{{ x | length }}`): a tokenizer, a
 * parser and an interpreter over plain data. No eval, no Function, no prototype access.
 */
import type { Node } from './ast.js';
import { ExprError } from './errors.js';
import { interpret } from './interpret.js';
import { parse } from './parser.js';
import { truthy } from './values.js';

export { ExprError, OpError, type ExprErrorKind } from './errors.js';
export type { Node } from './ast.js';
export { FILTERS, type FilterDef } from './filters.js';
export { TESTS, type TestDef } from './predicates.js';
export { truthy, equals, toText, typeName, isDict } from './values.js';

export type Condition = string | boolean | (string | boolean)[];

/** `{{ x }}` around a whole expression (users write `when: "{{ x }}"`): the inner part. */
const WRAPPED = /^(\s*)\{\{((?:(?!\{\{|\}\})[\s\S])*)\}\}\s*$/;

const CACHE_LIMIT = 5000;

/** Parses and evaluates expressions, caching parsed trees by source text. One per run. */
export class ExpressionEvaluator {
  private readonly cache = new Map<string, Node>();

  /** Parse (cached). Throws ExprError with kind 'syntax'. */
  parse(expr: string): Node {
    let node = this.cache.get(expr);
    if (node) return node;
    // Blank out the braces rather than slicing them off, so offsets stay those of `expr`.
    const m = WRAPPED.exec(expr);
    const src = m ? `${m[1]}  ${m[2]}${' '.repeat(expr.length - m[1]!.length - 2 - m[2]!.length)}` : expr;
    try {
      node = parse(src);
    } catch (e) {
      if (!(e instanceof ExprError)) throw e;
      throw new ExprError(m ? e.reason : withTemplateHint(e.reason, expr), e.offset, expr, e.kind, e.path);
    }
    if (this.cache.size >= CACHE_LIMIT) this.cache.clear();
    this.cache.set(expr, node);
    return node;
  }

  evaluate(expr: string, vars: object): unknown {
    const node = this.parse(expr);
    try {
      return interpret(node, vars, expr);
    } catch (e) {
      // A very long operator chain (`1+1+…`) is shallow to parse but deep to walk.
      if (e instanceof RangeError && /call stack/.test(e.message)) throw new ExprError('expression too complex', 0, expr, 'syntax');
      throw e;
    }
  }

  /** A `when:` value: a list means every item must hold; booleans pass through. */
  evalCondition(cond: Condition, vars: object): boolean {
    if (Array.isArray(cond)) return cond.every((c) => this.evalCondition(c, vars));
    if (typeof cond === 'string') return truthy(this.evaluate(cond, vars));
    return truthy(cond);
  }
}

/**
 * `when: "{{ x }} == 1"`: Ansible templated the text and then evaluated it (and now refuses it);
 * an expression is not a template, so say what to write.
 */
function withTemplateHint(reason: string, expr: string): string {
  if (!/\{\{|\{%/.test(expr)) return reason;
  const bare = expr.replace(/\{\{-?\s*((?:(?!\}\})[\s\S])*?)\s*-?\}\}/g, '$1').trim();
  return `${reason}; an expression needs no {{ }} around the variables in it: write '${bare}'`;
}

export function evaluate(expr: string, vars: object, evaluator: ExpressionEvaluator = new ExpressionEvaluator()): unknown {
  return evaluator.evaluate(expr, vars);
}

export function evalCondition(cond: Condition, vars: object, evaluator: ExpressionEvaluator = new ExpressionEvaluator()): boolean {
  return evaluator.evalCondition(cond, vars);
}
