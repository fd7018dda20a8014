import type { Inheritable, Play, Task } from '../model/playbook.js';

/** The blocks (and play) around a task, outermost first: keywords are inherited along it. */
export interface Scope {
  play: Play;
  chain: Inheritable[];
  /** An enclosing block has a rescue section that has not started yet. */
  rescuable: boolean;
  handler: boolean;
  /** The play's vars_files, loaded once per play. */
  varsFiles: Record<string, unknown>;
  /** Hosts of the current batch (ansible_play_batch) and of the play (ansible_play_hosts). */
  batch: string[];
  playHosts: string[];
  /** How many include_tasks/include_role this task is inside: bounded, so an include of itself stops. */
  includeDepth?: number;
}

/** The keywords that apply to a task after inheritance (vars are layered separately). */
export type Effective = Omit<Inheritable, 'vars'>;

/** Keywords as they apply to `task`: lists accumulate, single values are overridden inward. */
export function effective(scope: Scope, task: Inheritable): Effective {
  const out: Effective = { when: [], tags: [], environment: [] };
  for (const level of [...scope.chain, task]) {
    out.when.push(...level.when);
    out.tags.push(...level.tags);
    out.environment.push(...level.environment);
    for (const k of ['become', 'becomeUser', 'becomePassword', 'ignoreErrors', 'delegateTo', 'runOnce', 'checkMode', 'noLog', 'anyErrorsFatal'] as const) {
      if (level[k] !== undefined) out[k] = level[k];
    }
  }
  return out;
}

export function taskLabel(task: Task): string {
  return task.name ?? task.module;
}
