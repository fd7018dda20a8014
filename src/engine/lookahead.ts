/**
 * Which probes the tasks after one will ask for on the same host, so that the inspection of
 * one task can take them along (modules/lib/probe-memory.ts): on a host where nothing needs
 * changing, a series of file, copy, template, lineinfile... tasks, and commands guarded by
 * creates/removes, then costs one round trip, not one per task. Only a hint: the following
 * tasks are rendered with the variables known now, and anything that cannot be rendered yet,
 * or will run a script of its own anyway, ends it.
 */
import type { Item } from '../model/playbook.js';
import type { Probe } from '../modules/lib/inspect.js';
import type { RemoteModule } from '../modules/types.js';
import type { HostState, RunContext } from './context.js';
import { taskVars } from './host-vars.js';
import { INCLUDE_MODULES } from './includes.js';
import { effective, type Scope } from './scope.js';
import { isSelected } from './tags.js';
import { AHEAD_RUNS, becomeFor, loopItems, loopVarsOf, moduleProbes, type FollowingProbes } from './task-exec.js';

/** The probes of the module runs in `siblings` (the tasks after the current one in its list). */
export function followingProbes(ctx: RunContext, host: HostState, scope: Scope, siblings: readonly Item[]): FollowingProbes | undefined {
  if (siblings.length === 0 || ctx.options.plan) return undefined;
  return (becomeUser) => {
    const probes: Probe[] = [];
    let runs = 0;
    for (const task of siblings) {
      // A block or an include changes the scope: looking further is not worth its complexity.
      if (task.kind === 'block' || INCLUDE_MODULES.has(task.module)) break;
      const def = ctx.modules.get(task.module);
      if (!def || task.module === 'meta') break;
      if (def.kind === 'local') continue; // runs nothing on the target
      // Its script may change anything: what was seen before it is no use after it.
      if (!(def as RemoteModule).probes) break;
      const eff = effective(scope, task);
      if (!isSelected(eff.tags, ctx.options.tags)) continue;
      if (eff.delegateTo !== undefined) break;
      try {
        const vars = taskVars(ctx, host, scope, task);
        if ((becomeFor(ctx, task, eff, vars)?.user ?? '') !== becomeUser) continue;
        const itemVarsOf = loopVarsOf(ctx, host, scope, task);
        const runsVars = task.loop === undefined ? [vars] : loopItems(ctx, task, vars).slice(0, AHEAD_RUNS - runs).map(itemVarsOf);
        for (const v of runsVars) {
          const next = moduleProbes(ctx, def as RemoteModule, task, v, ctx.options);
          // None foreseen (a command without creates, arguments not renderable yet): it will run a script.
          if (next.length === 0) return probes;
          probes.push(...next);
        }
        runs += runsVars.length;
      } catch {
        break; // e.g. a variable that an earlier task registers: no hint from here on
      }
      if (runs >= AHEAD_RUNS) break;
    }
    return probes;
  };
}
