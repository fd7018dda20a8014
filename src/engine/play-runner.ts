import type { Block, Item, Play, Task } from '../model/playbook.js';
import { isUserFacing, UserError } from '../model/source.js';
import { UnreachableError } from '../connection/types.js';
import type { HostState, RunContext } from './context.js';
import { StepBarrier, PlayAborted } from './barrier.js';
import { effective, taskLabel, type Scope } from './scope.js';
import { isSelected } from './tags.js';
import { renderFlag, runTask, type FollowingProbes } from './task-exec.js';
import { followingProbes } from './lookahead.js';
import { gatherFacts } from './facts.js';
import { count } from './counting.js';
import type { Outcome } from './outcome.js';
import { hostVars, taskVars } from './host-vars.js';
import { INCLUDE_MODULES, resolveInclude } from './includes.js';

type Flow = 'ok' | 'failed' | 'end';

/** One serial batch of one play: the barrier, announcements and run_once results it shares. */
interface BatchRun {
  ctx: RunContext;
  play: Play;
  barrier: StepBarrier;
  announced: number;
  runOnce: Map<Task, { once: boolean; leader: string; outcome: Promise<Outcome>; settle: (o: Promise<Outcome>) => void }>;
  /** Files loaded by include_tasks/include_role, shared by the hosts of the batch. */
  includes: Map<string, Item[]>;
  failures: number;
  batch: string[];
  /** any_errors_fatal or max_fail_percentage stopped the play: the playbook stops too. */
  stopPlaybook: boolean;
}

/** Runs one batch of a play on its hosts; returns whether the playbook must stop. */
export async function runBatch(ctx: RunContext, play: Play, batch: string[], playHosts: string[], varsFiles: Map<string, Record<string, unknown>>): Promise<boolean> {
  const run: BatchRun = {
    ctx,
    play,
    barrier: new StepBarrier(batch, play.strategy === 'linear'),
    announced: -1,
    runOnce: new Map(),
    includes: new Map(),
    failures: 0,
    batch,
    stopPlaybook: false,
  };
  const base: Omit<Scope, 'varsFiles'> = { play, chain: [play], rescuable: false, handler: false, batch, playHosts };
  await Promise.all(batch.map((name) => runHost(run, ctx.hosts.get(name)!, { ...base, varsFiles: varsFiles.get(name) ?? {} })));
  return run.stopPlaybook;
}

async function runHost(run: BatchRun, host: HostState, scope: Scope): Promise<void> {
  try {
    if (run.play.gatherFacts && !(await gather(run, host))) return;
    for (const section of [run.play.preTasks, run.play.tasks, run.play.postTasks]) {
      const flow = await runItems(run, host, section, scope);
      if (flow === 'end') return;
      if (flow === 'failed') {
        markFailed(run, host);
        if (run.play.forceHandlers) await flushHandlers(run, host, scope, lastOrdinal(section) + 0.5);
        return;
      }
      if ((await flushHandlers(run, host, scope, lastOrdinal(section) + 0.5)) !== 'ok') return;
    }
  } catch (e) {
    if (!(e instanceof PlayAborted)) throw e;
  } finally {
    run.barrier.leave(host.name);
  }
}

function markFailed(run: BatchRun, host: HostState): void {
  if (host.unreachable || host.failed) return;
  host.failed = true;
}

async function gather(run: BatchRun, host: HostState): Promise<boolean> {
  await run.barrier.arrive(host.name, 0);
  announce(run, run.barrier.stepOf(0), 'Gathering Facts', false);
  try {
    const facts = await run.ctx.forks.add(async () => gatherFacts(await run.ctx.connections.get({ ...hostVars(run.ctx, host.name), name: host.name })));
    Object.assign(host.gathered, facts);
    host.counters.ok++;
    run.ctx.reporter.event({ type: 'host_result', task: 'Gathering Facts', host: host.name, status: 'ok', ignored: false, result: { changed: false } });
    return true;
  } catch (e) {
    if (!(e instanceof UnreachableError)) throw e;
    host.unreachable = true;
    host.counters.unreachable++;
    run.ctx.reporter.event({ type: 'host_result', task: 'Gathering Facts', host: host.name, status: 'unreachable', ignored: false, msg: e.message, result: { unreachable: true, msg: e.message, changed: false } });
    return false;
  }
}

async function runItems(run: BatchRun, host: HostState, items: Item[], scope: Scope): Promise<Flow> {
  for (const [i, item] of items.entries()) {
    const flow = item.kind === 'block' ? await runBlock(run, host, item, scope) : await runTaskItem(run, host, item, scope, items.slice(i + 1));
    if (flow !== 'ok') return flow;
  }
  return 'ok';
}

async function runBlock(run: BatchRun, host: HostState, block: Block, scope: Scope): Promise<Flow> {
  const inner: Scope = { ...scope, chain: [...scope.chain, block] };
  let flow = await runItems(run, host, block.block, { ...inner, rescuable: scope.rescuable || block.rescue.length > 0 });
  if (flow === 'failed' && block.rescue.length > 0 && !host.unreachable) {
    flow = await runItems(run, host, block.rescue, inner);
  }
  if (block.always.length > 0 && !host.unreachable && !run.barrier.isAborted) {
    const after = await runItems(run, host, block.always, inner);
    if (after !== 'ok') flow = after;
  }
  return flow;
}

/** `siblings`: the tasks after this one in its list, for its inspections to probe ahead. */
async function runTaskItem(run: BatchRun, host: HostState, task: Task, scope: Scope, siblings: readonly Item[] = []): Promise<Flow> {
  const { ctx } = run;
  const eff = effective(scope, task);
  if (!scope.handler && !isSelected(eff.tags, ctx.options.tags)) return 'ok';
  if (ctx.startAt.name !== undefined && !ctx.startAt.started.has(host.name)) {
    if (taskLabel(task) !== ctx.startAt.name) return 'ok';
    ctx.startAt.started.add(host.name);
  }
  await run.barrier.arrive(host.name, task.ordinal);
  const step = run.barrier.stepOf(task.ordinal);
  if (run.announced !== step) announce(run, step, displayName(run, host, task, scope), scope.handler);
  if (INCLUDE_MODULES.has(task.module)) return runInclude(run, host, task, scope);
  let outcome;
  try {
    // end_play is one global step in Ansible (bypass_host_loop): its `when` is judged on the first host, as with run_once.
    const runOnce = task.module === 'meta' && task.args['action'] === 'end_play' ? true : eff.runOnce;
    outcome = await runMaybeOnce(run, host, task, scope, runOnce, followingProbes(ctx, host, scope, siblings));
  } catch (e) {
    if (!isUserFacing(e)) throw e;
    failTask(run, host, task, scope, `${taskLabel(task)}: ${e.message}`);
    return 'failed';
  }
  if (outcome === undefined) return 'ok';
  // A skipped meta task is shown but not counted, as in ansible-core 2.14.
  if (!(task.module === 'meta' && outcome.status === 'skipped')) count(host, outcome, scope.rescuable);
  if (outcome.status === 'unreachable') {
    host.unreachable = true;
    return 'failed';
  }
  if (outcome.status === 'changed' || (outcome.ignored && outcome.result['changed'] === true)) {
    for (const n of task.notify) host.notified.add(n);
  }
  if (outcome.status === 'failed' && !outcome.ignored) {
    host.facts['ansible_failed_task'] = { name: taskLabel(task), action: task.module };
    host.facts['ansible_failed_result'] = outcome.result;
    if (!scope.rescuable) onHostFailure(run, host, task, scope);
    return 'failed';
  }
  switch (outcome.meta) {
    case 'flush_handlers':
      return flushHandlers(run, host, scope, task.ordinal);
    case 'end_host':
      return 'end';
    case 'end_play':
      run.barrier.abort('end_play');
      return 'end';
    default:
      return 'ok';
  }
}

/** include_tasks / include_role: the included tasks run in this host's flow, once per loop item. */
async function runInclude(run: BatchRun, host: HostState, task: Task, scope: Scope): Promise<Flow> {
  let passes;
  try {
    passes = resolveInclude(run.ctx, host, task, scope, run.includes);
  } catch (e) {
    if (!isUserFacing(e)) throw e;
    failTask(run, host, task, scope, e.message);
    return 'failed';
  }
  // Every item is announced (and counted) before any included task runs, as Ansible prints them.
  for (const pass of passes) {
    if (!pass) {
      const result = { changed: false, skipped: true, skip_reason: 'Conditional result was False' };
      count(host, { status: 'skipped', ignored: false, result }, scope.rescuable);
      run.ctx.reporter.event({ type: 'host_result', task: taskLabel(task), host: host.name, status: 'skipped', ignored: false, result });
    } else if (pass.file !== undefined) {
      count(host, { status: 'ok', ignored: false, result: { changed: false } }, scope.rescuable);
      const item = pass.item === undefined ? {} : { item: typeof pass.item === 'string' ? pass.item : JSON.stringify(pass.item) };
      run.ctx.reporter.event({ type: 'included', file: pass.file, host: host.name, ...item });
    }
  }
  for (const pass of passes) {
    if (!pass) continue;
    const flow = await runItems(run, host, pass.items, { ...scope, chain: [...scope.chain, pass.scope], includeDepth: (scope.includeDepth ?? 0) + 1 });
    if (flow !== 'ok') return flow;
  }
  return 'ok';
}

/** A task that failed before it could run on the host (a keyword or include that does not render). */
function failTask(run: BatchRun, host: HostState, task: Task, scope: Scope, msg: string): void {
  const outcome: Outcome = { status: 'failed', ignored: false, result: { changed: false, failed: true, msg } };
  count(host, outcome, scope.rescuable);
  run.ctx.reporter.event({ type: 'host_result', task: taskLabel(task), host: host.name, status: 'failed', ignored: false, msg, result: outcome.result });
  if (!scope.rescuable) onHostFailure(run, host, task, scope);
}

/** run_once: the batch's first host at this task runs it; the others take its result without counting it. */
async function runMaybeOnce(run: BatchRun, host: HostState, task: Task, scope: Scope, runOnce: unknown, following?: FollowingProbes): Promise<Outcome | undefined> {
  if (runOnce === undefined) return runTask(run.ctx, host, task, scope, following);
  let entry = run.runOnce.get(task);
  if (!entry) {
    // Settled once, by the first host here, so that every host agrees on who runs it.
    const once = renderFlag(run.ctx, task, runOnce, taskVars(run.ctx, host, scope, task));
    let settle!: (o: Promise<Outcome>) => void;
    const outcome = new Promise<Outcome>((resolve) => (settle = resolve));
    entry = { once, leader: run.barrier.leaderOf(run.batch, host.name), outcome, settle };
    run.runOnce.set(task, entry);
  }
  if (!entry.once) return runTask(run.ctx, host, task, scope);
  if (host.name === entry.leader) {
    const outcome = runTask(run.ctx, host, task, scope);
    entry.settle(outcome);
    return outcome;
  }
  const shared = await entry.outcome;
  if (task.register) host.facts[task.register] = run.ctx.hosts.get(entry.leader)!.facts[task.register];
  return shared.status === 'failed' && !shared.ignored ? shared : undefined;
}

function onHostFailure(run: BatchRun, host: HostState, task: Task, scope: Scope): void {
  run.failures++;
  const { play } = run;
  if (anyErrorsFatal(run, host, task, scope)) {
    run.stopPlaybook = true;
    run.barrier.abort('any_errors_fatal');
  } else if (play.maxFailPercentage !== undefined && (run.failures / run.batch.length) * 100 > play.maxFailPercentage) {
    run.stopPlaybook = true;
    run.barrier.abort('max_fail_percentage exceeded');
  }
}

/** A templated any_errors_fatal that cannot be rendered stops the play: the safe reading. */
function anyErrorsFatal(run: BatchRun, host: HostState, task: Task, scope: Scope): boolean {
  const value = effective(scope, task).anyErrorsFatal;
  if (value === undefined) return false;
  try {
    return renderFlag(run.ctx, task, value, taskVars(run.ctx, host, scope, task));
  } catch (e) {
    if (!isUserFacing(e)) throw e;
    run.ctx.reporter.event({ type: 'warning', message: `any_errors_fatal: ${e.message}; stopping the play as if it were true` });
    return true;
  }
}

/** Runs the handlers this host was notified of, in the order they are defined, once each. */
async function flushHandlers(run: BatchRun, host: HostState, scope: Scope, at: number): Promise<Flow> {
  const handlers = run.play.handlers;
  for (const [i, handler] of handlers.entries()) {
    if (host.failed && !run.play.forceHandlers) return 'failed';
    const keys = handlerKeys(handler);
    if (!keys.some((k) => host.notified.has(k))) continue;
    for (const k of keys) host.notified.delete(k);
    const ordinal = at + (i + 1) / (handlers.length + 1) / 2;
    // A handler runs in the play (and its role's variables), not in the block of the task that notified it.
    const chain = handler.handlerScope ? [run.play, handler.handlerScope] : [run.play];
    const flow = await runTaskItem(run, host, { ...handler, ordinal }, { ...scope, chain, handler: true, rescuable: false });
    if (flow !== 'ok') return flow;
  }
  return 'ok';
}

/** What a notify may name: the handler, `role : handler` for a role's, or a listen topic. */
function handlerKeys(h: Task): string[] {
  return [taskLabel(h), ...(h.role ? [`${h.role} : ${taskLabel(h)}`] : []), ...h.listen];
}

/**
 * The task's name as its banner shows it, as Ansible does: rendered with the variables of the
 * first host to reach it (kept as written where that fails), prefixed with its role.
 */
function displayName(run: BatchRun, host: HostState, task: Task, scope: Scope): string {
  let name = task.module === 'include_role' && task.name === undefined ? `include_role : ${String(task.args['name'])}` : taskLabel(task);
  if (name.includes('{{')) {
    try {
      name = String(run.ctx.templates.renderDeep(name, taskVars(run.ctx, host, scope, task), task.pos));
    } catch (e) {
      if (!isUserFacing(e)) throw e;
    }
  }
  return task.role && task.module !== 'include_role' ? `${task.role} : ${name}` : name;
}

function announce(run: BatchRun, step: number, name: string, handler: boolean): void {
  if (run.announced === step) return;
  run.announced = step;
  run.ctx.reporter.event({ type: 'task_start', name, hosts: run.batch, handler });
}

function lastOrdinal(items: Item[]): number {
  let max = 0;
  for (const item of items) {
    max = Math.max(max, item.ordinal);
    if (item.kind === 'block') max = Math.max(max, lastOrdinal(item.block), lastOrdinal(item.rescue), lastOrdinal(item.always));
  }
  return max;
}

/** Every notify must name a handler (or a listen topic) of the play: checked before connecting. */
export function checkNotifyTargets(play: Play): void {
  const known = new Set(play.handlers.flatMap(handlerKeys));
  const visit = (items: Item[]) => {
    for (const item of items) {
      if (item.kind === 'block') {
        visit(item.block);
        visit(item.rescue);
        visit(item.always);
        continue;
      }
      for (const n of item.notify) {
        if (!known.has(n)) throw new UserError(`task '${taskLabel(item)}' notifies '${n}', but the play has no handler with that name or listen topic`, item.keyPos.get('notify') ?? item.pos);
      }
    }
  };
  visit([...play.preTasks, ...play.tasks, ...play.postTasks, ...play.handlers]);
}
