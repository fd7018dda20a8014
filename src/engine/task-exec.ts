import { dirname, isAbsolute, join } from 'node:path';
import { access, readFile } from 'node:fs/promises';
import type { Task } from '../model/playbook.js';
import { isUserFacing, UserError, type SourcePos } from '../model/source.js';
import { UnreachableError, type BecomeOptions, type Connection } from '../connection/types.js';
import type { ModuleContext, ModuleResult, RemoteModule } from '../modules/types.js';
import type { Probe } from '../modules/lib/inspect.js';
import { conditionsHold, whenPosition } from './conditions.js';
import { toBool } from '../config/playbook-loader.js';
import type { HostState, RunContext } from './context.js';
import { effective, taskLabel, type Effective, type Scope } from './scope.js';
import { NO_LOG_RESULT, type Outcome } from './outcome.js';
import { runLocalModule } from './local-modules.js';
import { hostVars, taskVars } from './host-vars.js';
import { planLocal, planRemote } from '../plan/planned.js';
import { assumedConditions, planCondition } from '../plan/assume.js';

/** Probes of the tasks after this one, as the given become user ('' for none) will run them (engine/lookahead.ts). */
export type FollowingProbes = (becomeUser: string) => Probe[];

/** What comes after one module run on its host: the loop's remaining items, then the following tasks. */
interface Ahead {
  /** The variables of the loop's next items (computed only when asked: an inspection that runs anyway). */
  restOfLoop: () => Record<string, unknown>[];
  following?: FollowingProbes;
}

/** At most this many module runs are looked ahead at, and this many probes ride along with one
 * inspection. 32: a play of a few dozen file-like tasks is seen by one inspection (16 split the
 * benchmark's 18 tasks in two: one stat process more per node and run). */
export const AHEAD_RUNS = 32;
const MAX_AHEAD = 64;

/** Runs one task (all loop items, retries, conditions) on one host and reports each result. */
export async function runTask(ctx: RunContext, host: HostState, task: Task, scope: Scope, following?: FollowingProbes): Promise<Outcome> {
  const vars = taskVars(ctx, host, scope, task);
  const label = taskLabel(task);
  // no_log is settled before anything is shown: a templated one renders once, with the task's vars.
  let eff = effective(scope, task);
  try {
    eff = { ...eff, noLog: renderFlag(ctx, task, eff.noLog, vars) };
    if (task.loop === undefined) {
      if (!conditionHolds(ctx, eff.when, vars, (c) => whenPosition(scope, task, c))) {
        const outcome = skipped('Conditional result was False', ctx.options.plan ? assumedConditions(eff.when, vars) : undefined);
        register(host, task, outcome.result);
        return report(ctx, host, task, eff, outcome);
      }
      return report(ctx, host, task, eff, await runOnce(ctx, host, task, eff, vars, { restOfLoop: () => [], following }));
    }
    return await runLoop(ctx, host, task, scope, eff, vars, following);
  } catch (e) {
    if (e instanceof UnreachableError) {
      return report(ctx, host, task, eff, { status: 'unreachable', ignored: false, result: { unreachable: true, changed: false, msg: e.message } });
    }
    if (isUserFacing(e)) {
      // Ansible counts a condition or template that cannot be evaluated as the task failing, so ignore_errors applies.
      const failed = failure(`${label}: ${e.message}`);
      let outcome = failed;
      try {
        outcome = applyIgnore(ctx, task, eff, vars, failed);
      } catch (again) {
        if (!isUserFacing(again)) throw again;
      }
      return report(ctx, host, task, eff, outcome);
    }
    throw e;
  }
}

function conditionHolds(ctx: RunContext, when: unknown[], vars: Record<string, unknown>, where: (cond: unknown) => SourcePos | undefined): boolean {
  if (ctx.options.plan) return planCondition(when, vars, ctx.templates.exprs);
  return conditionsHold(ctx.templates.exprs, when, vars, 'when', where);
}

function skipped(reason: string, assumed?: string[]): Outcome {
  return { status: 'skipped', ignored: false, result: { changed: false, skipped: true, skip_reason: reason, ...(assumed?.length ? { _assumed: assumed } : {}) } };
}

function failure(msg: string): Outcome {
  return { status: 'failed', ignored: false, result: { changed: false, failed: true, msg } };
}

async function runLoop(ctx: RunContext, host: HostState, task: Task, scope: Scope, eff: Effective, vars: Record<string, unknown>, following?: FollowingProbes): Promise<Outcome> {
  const items = loopItems(ctx, task, vars);
  const itemVarsOf = loopVarsOf(ctx, host, scope, task);
  const results: Record<string, unknown>[] = [];
  for (const [index, item] of items.entries()) {
    const itemVars = itemVarsOf(item, index);
    let outcome: Outcome;
    if (!conditionHolds(ctx, eff.when, itemVars, (c) => whenPosition(scope, task, c))) outcome = skipped('Conditional result was False', ctx.options.plan ? assumedConditions(eff.when, itemVars) : undefined);
    else {
      const restOfLoop = () => items.slice(index + 1, index + 1 + AHEAD_RUNS).map((next, i) => itemVarsOf(next, index + 1 + i));
      outcome = await runOnce(ctx, host, task, eff, itemVars, { restOfLoop, following });
    }
    if (outcome.status === 'unreachable') return report(ctx, host, task, eff, outcome);
    const result = { ...outcome.result, item, ansible_loop_var: task.loopControl.loopVar };
    results.push(result);
    emit(ctx, host, task, eff, { ...outcome, result, ignored: false }, labelFor(ctx, task, itemVars, item));
    if (task.loopControl.pause) await sleep(task.loopControl.pause * 1000);
  }
  const result = loopResult(results);
  const status = result['failed'] ? 'failed' : result['skipped'] ? 'skipped' : result['changed'] ? 'changed' : 'ok';
  const outcome = applyIgnore(ctx, task, eff, vars, { status, ignored: false, result });
  register(host, task, outcome.result);
  // Per-item lines were shown; the task line follows only where Ansible prints one.
  if (status === 'failed' || status === 'skipped') emit(ctx, host, task, eff, outcome, undefined, true);
  return outcome;
}

/** A loop's own result from its items', key for key as Ansible's TaskExecutor.run makes it (`skipped_reason` included). */
function loopResult(results: Record<string, unknown>[]): Record<string, unknown> {
  if (results.length === 0) return { changed: false, skipped: true, skipped_reason: 'No items in the list', results };
  const failed = results.some((r) => r['failed'] === true);
  const skipped = results.every((r) => r['skipped'] === true);
  const msg = failed ? 'One or more items failed' : skipped ? 'All items skipped' : 'All items completed';
  return { results, changed: results.some((r) => r['changed'] === true), msg, skipped, ...(failed ? { failed: true } : {}) };
}

/** The variables of one loop item: the task's, with the loop variable (and index_var) set. */
export function loopVarsOf(ctx: RunContext, host: HostState, scope: Scope, task: Task): (item: unknown, index: number) => Record<string, unknown> {
  const { loopVar, indexVar } = task.loopControl;
  return (item, index) => taskVars(ctx, host, scope, task, { [loopVar]: item, ...(indexVar ? { [indexVar]: index } : {}) });
}

export function loopItems(ctx: RunContext, task: Task, vars: Record<string, unknown>): unknown[] {
  const spec = task.loop as unknown;
  const flatten = typeof spec === 'object' && spec !== null && !Array.isArray(spec) && 'flatten' in spec;
  const raw = flatten ? (spec as { flatten: unknown }).flatten : spec;
  const value = ctx.templates.renderDeep(raw, vars, task.keyPos.get(flatten ? 'with_items' : 'loop') ?? task.pos);
  if (value === null || value === undefined) return [];
  if (!Array.isArray(value)) {
    throw new UserError(`loop must be a list, got ${typeof value === 'string' ? `the string '${value}'` : typeof value}`, task.keyPos.get('loop') ?? task.pos);
  }
  return flatten ? value.flatMap((v) => (Array.isArray(v) ? v : [v])) : value;
}

function labelFor(ctx: RunContext, task: Task, vars: Record<string, unknown>, item: unknown): string {
  const label = task.loopControl.label !== undefined ? ctx.templates.renderDeep(task.loopControl.label, vars, task.pos) : item;
  return typeof label === 'string' ? label : JSON.stringify(label);
}

/** One execution (one loop item): module, until/retries, changed_when/failed_when, ignore_errors. */
async function runOnce(ctx: RunContext, host: HostState, task: Task, eff: Effective, vars: Record<string, unknown>, ahead: Ahead): Promise<Outcome> {
  let attempts = 0;
  for (;;) {
    attempts++;
    const raw = await runModule(ctx, host, task, eff, vars, ahead);
    if (raw.meta) return raw;
    // A planned result is a placeholder: changed_when, failed_when and until cannot judge it.
    if (raw.status === 'skipped' || raw.result['_plan'] !== undefined) {
      if (task.loop === undefined) register(host, task, raw.result);
      return raw;
    }
    // As Ansible's TaskExecutor: a result says whether it failed (`r.failed` is false, not undefined).
    const result: Record<string, unknown> = { failed: false, ...raw.result };
    const withRegister = task.register ? { ...vars, [task.register]: result } : vars;
    const at = (key: string) => () => task.keyPos.get(key) ?? task.pos;
    if (task.changedWhen) result['changed'] = conditionsHold(ctx.templates.exprs, task.changedWhen, withRegister, 'changed_when', at('changed_when'));
    if (task.failedWhen) {
      const failed = conditionsHold(ctx.templates.exprs, task.failedWhen, withRegister, 'failed_when', at('failed_when'));
      result['failed'] = failed;
      if (!failed) delete result['msg'];
    }
    if (task.until) {
      result['attempts'] = attempts;
      const done = conditionsHold(ctx.templates.exprs, task.until, task.register ? { ...vars, [task.register]: result } : vars, 'until', at('until'));
      if (!done && attempts <= task.retries) {
        await sleep(task.delay * 1000);
        continue;
      }
      if (!done) Object.assign(result, { failed: true, msg: result['msg'] ?? `retries exhausted (${task.retries}) waiting for: ${task.until.join(' and ')}` });
    }
    const status = result['failed'] === true ? 'failed' : result['changed'] === true ? 'changed' : 'ok';
    const outcome = applyIgnore(ctx, task, eff, vars, { status, ignored: false, result });
    if (task.loop === undefined) register(host, task, outcome.result);
    return outcome;
  }
}

function applyIgnore(ctx: RunContext, task: Task, eff: Effective, vars: Record<string, unknown>, o: Outcome): Outcome {
  if (o.status !== 'failed' || eff.ignoreErrors === undefined) return o;
  return renderFlag(ctx, task, eff.ignoreErrors, vars) ? { ...o, ignored: true } : o;
}

function register(host: HostState, task: Task, result: Record<string, unknown>): void {
  if (task.register) host.facts[task.register] = result;
}

async function runModule(ctx: RunContext, host: HostState, task: Task, eff: Effective, vars: Record<string, unknown>, ahead: Ahead): Promise<Outcome> {
  const def = ctx.modules.get(task.module);
  if (!def) throw new UserError(`unknown module '${task.module}'`, task.pos);
  const check = eff.checkMode === undefined ? ctx.options.check : renderFlag(ctx, task, eff.checkMode, vars);
  if (def.kind === 'local') {
    const run = (t: Task) => runLocalModule(ctx, host, t, vars, { check });
    return ctx.options.plan ? planLocal(task, eff.when, vars, run, (v) => renderValue(ctx, task, v, vars)) : run(task);
  }
  const args = renderArgs(ctx, task, vars);
  const problem = ctx.modules.check(task.module, args);
  if (problem) return failure(`${task.module}: ${problem} (${task.pos.file}:${task.pos.line}:${task.pos.col})`);
  const playDir = String(vars['playbook_dir']);
  const files = {
    readLocalFile: async (p: string) => readFile(await existingLocal(task, playDir, 'files', p)),
    renderTemplate: async (p: string) => {
      const file = await existingLocal(task, playDir, 'templates', p);
      // Partials ({{> name}}) come from the templates/ of the role (or playbook) using them.
      ctx.templates.registerPartialsFrom(dirname(file));
      return String(ctx.templates.renderFile(file, vars));
    },
  };
  // --plan: what would run, without a connection (src/plan).
  if (ctx.options.plan) return planRemote(task, eff.when, vars, args, eff.noLog === true, files);
  if (check && def.supportsCheckMode && !def.supportsCheckMode(args)) {
    return skipped('running in check mode');
  }
  const become = becomeFor(ctx, task, eff, vars);
  const env = environmentFor(ctx, task, eff, vars);
  // One fork covers connecting and running: -f bounds SSH handshakes too.
  const result: ModuleResult = await ctx.forks.add(async () => {
    const target = await targetConnection(ctx, host, eff, vars, task);
    const user = become?.user ?? '';
    // A delegated task's target is another host's: what follows here is not about it.
    const upcoming = () =>
      eff.delegateTo !== undefined
        ? []
        : [...ahead.restOfLoop().flatMap((v) => moduleProbes(ctx, def as RemoteModule, task, v, { check, diff: ctx.options.diff })), ...(ahead.following?.(user) ?? [])].slice(0, MAX_AHEAD);
    const memory = ctx.probeMemory.forTask(target, user, upcoming);
    const mctx: ModuleContext = { check, diff: ctx.options.diff, exec: (script, o) => target.exec(script, { stdin: o?.stdin, inShell: o?.inShell, become, env }), memory, ...files };
    const out = await (def as RemoteModule).run(args, mctx);
    ctx.probeMemory.settled(target, out.changed === true);
    return out;
  });
  const status = result.failed ? 'failed' : result.changed ? 'changed' : 'ok';
  return { status, ignored: false, result: { ...result } };
}

/**
 * What a run of `task` with these variables will inspect first, as far as can be told now: a
 * hint for an earlier inspection to take along, so anything that fails gives none.
 */
export function moduleProbes(ctx: RunContext, def: RemoteModule, task: Task, vars: Record<string, unknown>, mode: Pick<ModuleContext, 'check' | 'diff'>): Probe[] {
  if (!def.probes) return [];
  try {
    const args = renderArgs(ctx, task, vars);
    return ctx.modules.check(task.module, args) ? [] : def.probes(args, mode);
  } catch {
    return [];
  }
}

/** A boolean keyword (no_log, run_once, ignore_errors…), templated or not; absent is false. */
export function renderFlag(ctx: RunContext, task: Task, v: unknown, vars: Record<string, unknown>): boolean {
  if (v === undefined) return false;
  return toBool(renderValue(ctx, task, v, vars), task.pos);
}

export function renderValue(ctx: RunContext, task: Task, v: unknown, vars: Record<string, unknown>): unknown {
  return ctx.templates.renderDeep(v, vars, task.pos);
}

function renderArgs(ctx: RunContext, task: Task, vars: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(task.args)) {
    const r = ctx.templates.renderDeep(v, vars, task.argPos.get(k) ?? task.pos);
    if (r !== ctx.omit) out[k] = r;
  }
  return out;
}

async function targetConnection(ctx: RunContext, host: HostState, eff: Effective, vars: Record<string, unknown>, task: Task): Promise<Connection> {
  const delegate = eff.delegateTo === undefined ? undefined : String(renderValue(ctx, task, eff.delegateTo, vars));
  if (delegate === undefined || delegate === host.name) return ctx.connections.get({ ...vars, name: host.name });
  if (ctx.inventory.hosts.has(delegate)) return ctx.connections.get({ ...hostVars(ctx, delegate), name: delegate });
  if (delegate === 'localhost' || delegate === '127.0.0.1') return ctx.connections.get({ name: 'localhost', ansible_connection: 'local' });
  return ctx.connections.get({ name: delegate });
}

export function becomeFor(ctx: RunContext, task: Task, eff: Effective, vars: Record<string, unknown>): BecomeOptions | undefined {
  const on = eff.become !== undefined ? eff.become : vars['ansible_become'];
  if (!renderFlag(ctx, task, on, vars)) return undefined;
  const user = String(renderValue(ctx, task, eff.becomeUser ?? vars['ansible_become_user'] ?? 'root', vars));
  const password = eff.becomePassword ?? vars['ansible_become_password'] ?? vars['ansible_become_pass'];
  return password === undefined ? { user } : { user, password: String(renderValue(ctx, task, password, vars)) };
}

function environmentFor(ctx: RunContext, task: Task, eff: Effective, vars: Record<string, unknown>): Record<string, string> | undefined {
  if (eff.environment.length === 0) return undefined;
  const env: Record<string, string> = {};
  for (const layer of eff.environment) {
    const rendered = renderValue(ctx, task, layer, vars);
    if (typeof rendered !== 'object' || rendered === null) throw new UserError('environment must be a mapping of names to values', task.keyPos.get('environment') ?? task.pos);
    for (const [k, v] of Object.entries(rendered)) env[k] = String(v);
  }
  return env;
}

/** Controller-side files: `files/` or `templates/` beside the playbook first, then the playbook dir, as Ansible looks. */
export function candidates(task: Pick<Task, 'baseDir' | 'pos'>, playDir: string, sub: string, p: string): string[] {
  if (isAbsolute(p)) return [p];
  return [...new Set([join(task.baseDir, sub, p), join(task.baseDir, p), join(dirname(task.pos.file), p), join(playDir, sub, p), join(playDir, p)])];
}

async function existingLocal(task: Task, playDir: string, sub: string, p: string): Promise<string> {
  for (const c of candidates(task, playDir, sub, p)) {
    try {
      await access(c);
      return c;
    } catch {
      /* try the next place */
    }
  }
  throw new UserError(`could not find '${p}' (looked in ${candidates(task, playDir, sub, p).join(', ')})`, task.pos);
}

/** Emits the host line for a task (or loop item). Counting happens in the play runner. */
function emit(ctx: RunContext, host: HostState, task: Task, eff: Effective, o: Outcome, item?: string, loopSummary = false): void {
  if (o.silent) return;
  const noLog = eff.noLog === true;
  const shown = noLog ? { censored: NO_LOG_RESULT, changed: o.result['changed'] === true } : o.result;
  const delegate = typeof eff.delegateTo === 'string' && !eff.delegateTo.includes('{{') ? eff.delegateTo : undefined;
  ctx.reporter.event({
    type: 'host_result',
    task: taskLabel(task),
    host: host.name,
    status: o.status,
    ignored: o.ignored,
    ...(item !== undefined ? { item: noLog ? '(censored due to no_log)' : item } : {}),
    ...(typeof shown['msg'] === 'string' ? { msg: shown['msg'] } : {}),
    result: shown,
    ...(!noLog && o.result['diff'] ? { diff: o.result['diff'] as { before: string; after: string } } : {}),
    ...(delegate && delegate !== host.name ? { delegatedTo: delegate } : {}),
    ...(loopSummary ? { loopSummary } : {}),
    module: task.module,
  });
}

function report(ctx: RunContext, host: HostState, task: Task, eff: Effective, o: Outcome): Outcome {
  emit(ctx, host, task, eff, o);
  return o;
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
