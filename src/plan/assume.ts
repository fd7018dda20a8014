/**
 * Conditions in a plan: those that read a placeholder result of a remote task cannot be known.
 * `when:` is evaluated against the placeholder (assumed true where it cannot be); assert's
 * conditions on placeholders are assumed to hold. Each is reported as `(assumed)`.
 */
import type { Task } from '../model/playbook.js';
import { evalCondition, type ExpressionEvaluator } from '../expr/index.js';
import { refsOfExpression } from '../validate/names.js';

/** A remote task's planned result (or a loop of them). */
export function isPlanned(v: unknown): boolean {
  if (typeof v !== 'object' || v === null) return false;
  if (Object.hasOwn(v, '_plan')) return true;
  const results = (v as { results?: unknown }).results;
  return Array.isArray(results) && results.some((r) => typeof r === 'object' && r !== null && Object.hasOwn(r, '_plan'));
}

/** The conditions among `when` that read a planned result (`when: COND`): their outcome is an assumption. */
export function assumedConditions(when: unknown[], vars: Record<string, unknown>): string[] {
  return when.filter((c): c is string => typeof c === 'string' && readsPlanned(c, vars)).map((c) => `when: ${c}`);
}

function readsPlanned(cond: string, vars: Record<string, unknown>): boolean {
  const refs = refsOfExpression(cond);
  if (!refs) return false;
  return [...refs.used, ...refs.guarded].some((n) => Object.hasOwn(vars, n) && isPlanned(safeRead(vars, n)));
}

/**
 * `when:` in a plan: evaluated against the placeholders; one that cannot be (the placeholder has
 * no such field) is assumed to hold, as the planned task is assumed to succeed.
 */
export function planCondition(when: unknown[], vars: Record<string, unknown>, exprs: ExpressionEvaluator): boolean {
  return when.every((c) => {
    if (typeof c !== 'string' || !readsPlanned(c, vars)) return evalCondition(c as string | boolean, vars, exprs);
    try {
      return evalCondition(c, vars, exprs);
    } catch {
      return true;
    }
  });
}

/** assert in a plan: the conditions that read planned results are assumed to hold, the others checked. */
export function withoutAssumedAsserts(task: Task, vars: Record<string, unknown>): { task: Task; assumed: string[] } {
  if (task.module !== 'assert') return { task, assumed: [] };
  const that = Array.isArray(task.args['that']) ? task.args['that'] : [task.args['that']];
  const assumed = that.filter((c): c is string => typeof c === 'string' && readsPlanned(c, vars));
  if (!assumed.length) return { task, assumed };
  const kept = that.filter((c) => !assumed.includes(c as string));
  return { task: { ...task, args: { ...task.args, that: kept } }, assumed: assumed.map((c) => `that: ${c}`) };
}

function safeRead(vars: Record<string, unknown>, name: string): unknown {
  try {
    return vars[name];
  } catch {
    return undefined;
  }
}
