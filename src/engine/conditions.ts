import type { Inheritable, Task } from '../model/playbook.js';
import { UserError, type SourcePos } from '../model/source.js';
import { evalCondition, ExprError, type ExpressionEvaluator } from '../expr/index.js';
import type { Scope } from './scope.js';

/**
 * Whether every condition holds (Ansible's list semantics: all of them, stopping at the first
 * false). An expression that cannot be evaluated fails with where the condition is written.
 */
export function conditionsHold(exprs: ExpressionEvaluator, conds: unknown[], vars: Record<string, unknown>, keyword: string, where: (cond: unknown) => SourcePos | undefined): boolean {
  for (const cond of conds) {
    try {
      if (!evalCondition(cond as string | boolean, vars, exprs)) return false;
    } catch (e) {
      if (e instanceof ExprError) throw new UserError(`${keyword}: ${e.message}`, where(cond));
      throw e;
    }
  }
  return true;
}

/** Where a `when` condition of a task is written: on the task itself or on a block, role entry or play around it. */
export function whenPosition(scope: Scope, task: Task, cond: unknown): SourcePos | undefined {
  if (task.when.includes(cond)) return task.keyPos.get('when') ?? task.pos;
  const level = [...scope.chain].reverse().find((l) => l.when.includes(cond)) as (Inheritable & { pos?: SourcePos }) | undefined;
  return level?.pos ?? task.pos;
}
