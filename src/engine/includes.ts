import { existsSync } from 'node:fs';
import { dirname, isAbsolute, join } from 'node:path';
import type { Block, Item, Task } from '../model/playbook.js';
import { UserError } from '../model/source.js';
import { loadIncluded } from '../config/playbook-loader.js';
import { evalCondition } from '../expr/index.js';
import type { HostState, RunContext } from './context.js';
import type { Scope } from './scope.js';
import { effective } from './scope.js';
import { taskVars } from './host-vars.js';

/** One pass of an include (one loop item): the tasks to run and the block that scopes them. */
export interface IncludePass {
  items: Item[];
  scope: Block;
  /** The tasks file include_tasks loaded (include_role has none: Ansible neither shows nor counts it). */
  file?: string;
  /** The loop item, as Ansible labels the `included:` line. */
  item?: unknown;
}

export const INCLUDE_MODULES = new Set(['include_tasks', 'include_role']);

/** Far deeper than any real playbook nests includes; an include of itself reaches it at once. */
const MAX_INCLUDE_DEPTH = 64;

/**
 * include_tasks / include_role for one host: evaluated at run time, per loop item, with the
 * host's variables; `undefined` for an item whose `when` is false. Files are loaded once per
 * (file, include task) and shared by every host.
 */
export function resolveInclude(ctx: RunContext, host: HostState, task: Task, scope: Scope, cache: Map<string, Item[]>): (IncludePass | undefined)[] {
  if ((scope.includeDepth ?? 0) >= MAX_INCLUDE_DEPTH) {
    throw new UserError(`${task.module} nested ${MAX_INCLUDE_DEPTH} deep: does a file include itself (directly or through others)?`, task.pos);
  }
  const eff = effective(scope, task);
  const vars = taskVars(ctx, host, scope, task);
  const loop = task.loop === undefined ? [undefined] : loopValues(ctx, task, vars);
  return loop.map((item, index) => {
    const loopVars: Record<string, unknown> =
      task.loop === undefined ? {} : { [task.loopControl.loopVar]: item, ...(task.loopControl.indexVar ? { [task.loopControl.indexVar]: index } : {}) };
    const itemVars = task.loop === undefined ? vars : taskVars(ctx, host, scope, task, loopVars);
    if (eff.when.length && !evalCondition(eff.when as (string | boolean)[], itemVars, ctx.templates.exprs)) return undefined;
    const args = ctx.templates.renderDeep(task.args, itemVars, task.pos) as Record<string, unknown>;
    const { items, file } = load(ctx, task, scope, args, cache);
    const block: Block = { kind: 'block', ordinal: task.ordinal, block: items, rescue: [], always: [], pos: task.pos, when: [], tags: [], environment: [], vars: { ...task.vars, ...loopVars } };
    return { items, scope: block, file, ...(task.loop === undefined ? {} : { item }) };
  });
}

function load(ctx: RunContext, task: Task, scope: Scope, args: Record<string, unknown>, cache: Map<string, Item[]>): { items: Item[]; file?: string } {
  const base = { catalog: ctx.modules, playDir: scope.play.dir, baseDir: task.baseDir, role: task.role, ordinal: task.ordinal, pos: task.pos, handlers: scope.play.handlers };
  if (task.module === 'include_tasks') {
    const file = String(args['file']);
    const path = [dirname(task.pos.file), join(task.baseDir, 'tasks'), task.baseDir].map((d) => (isAbsolute(file) ? file : join(d, file))).find((p) => existsSync(p));
    if (!path) throw new UserError(`include_tasks: '${file}' not found next to ${task.pos.file}`, task.pos);
    const key = `tasks\0${task.ordinal}\0${path}`;
    let items = cache.get(key);
    if (!items) cache.set(key, (items = loadIncluded({ tasksFile: path }, base)));
    return { items, file: path };
  }
  const { name, tasks_from, handlers_from, ...params } = args;
  const key = `role\0${task.ordinal}\0${JSON.stringify(args)}`;
  let items = cache.get(key);
  if (!items) {
    items = loadIncluded({ role: String(name), params, tasksFrom: tasks_from as string | undefined, handlersFrom: handlers_from as string | undefined }, base);
    cache.set(key, items);
  }
  return { items };
}

function loopValues(ctx: RunContext, task: Task, vars: Record<string, unknown>): unknown[] {
  const raw = typeof task.loop === 'object' && task.loop !== null && 'flatten' in task.loop ? (task.loop as { flatten: unknown }).flatten : task.loop;
  const value = ctx.templates.renderDeep(raw, vars, task.pos);
  if (!Array.isArray(value)) throw new UserError('loop must be a list', task.keyPos.get('loop') ?? task.pos);
  return value;
}
