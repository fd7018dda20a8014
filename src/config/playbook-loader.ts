import { dirname, resolve } from 'node:path';
import type { Block, Inheritable, Item, Play, Playbook, Task } from '../model/playbook.js';
import { UserError, type SourcePos } from '../model/source.js';
import { canonicalModuleName, type ModuleCatalog, type ModuleInfo } from '../modules/catalog.js';
import { parseKeyValueArgs } from './kv.js';
import { didYouMean } from './suggest.js';
import { loadYamlFile, posOf, type YamlFile } from './yaml.js';

const INHERITABLE_KEYS = [
  'when', 'tags', 'become', 'become_user', 'become_password', 'environment', 'vars', 'ignore_errors',
  'delegate_to', 'run_once', 'check_mode', 'no_log', 'any_errors_fatal',
];
const TASK_KEYS = new Set([
  ...INHERITABLE_KEYS, 'name', 'loop', 'with_items', 'with_list', 'loop_control', 'register', 'notify',
  'changed_when', 'failed_when', 'until', 'retries', 'delay', 'listen', 'args', 'become_method', 'debugger', 'timeout',
]);
const BLOCK_KEYS = new Set([...INHERITABLE_KEYS, 'name', 'block', 'rescue', 'always', 'become_method']);
const PLAY_KEYS = new Set([
  ...INHERITABLE_KEYS, 'name', 'hosts', 'vars_files', 'gather_facts', 'pre_tasks', 'tasks', 'post_tasks', 'handlers',
  'strategy', 'serial', 'max_fail_percentage', 'force_handlers', 'roles', 'remote_user', 'become_method', 'connection', 'order',
]);

/** Loader state for one run: file stack for cycle detection, ordinal counter. */
interface LoadState {
  catalog: ModuleCatalog;
  nextOrdinal: number;
  stack: string[];
}

export async function loadPlaybook(file: string, catalog: ModuleCatalog): Promise<Playbook> {
  const state: LoadState = { catalog, nextOrdinal: 1, stack: [] };
  return { file, plays: await loadPlays(resolve(file), state, undefined) };
}

async function loadPlays(file: string, state: LoadState, from: SourcePos | undefined): Promise<Play[]> {
  if (state.stack.includes(file)) {
    throw new UserError(`import_playbook cycle: ${[...state.stack, file].join(' -> ')}`, from);
  }
  const src = await loadYamlFile(file);
  if (src.value === null) throw new UserError('empty playbook: expected a list of plays', { file, line: 1, col: 1 });
  if (!Array.isArray(src.value)) throw new UserError('a playbook must be a list of plays', posOf(src, src.value) ?? { file, line: 1, col: 1 });
  state.stack.push(file);
  const plays: Play[] = [];
  for (const entry of src.value) {
    const pos = posOf(src, entry) ?? { file, line: 1, col: 1 };
    if (!isObject(entry)) throw new UserError('each play must be a mapping', pos);
    const imp = entry['import_playbook'] ?? entry['ansible.builtin.import_playbook'];
    if (imp !== undefined) {
      if (typeof imp !== 'string') throw new UserError('import_playbook takes a file name', pos);
      plays.push(...(await loadPlays(resolve(dirname(file), imp), state, pos)));
    } else {
      plays.push(parsePlay(entry, src, state, pos));
    }
  }
  state.stack.pop();
  return plays;
}

function parsePlay(raw: Record<string, unknown>, src: YamlFile, state: LoadState, pos: SourcePos): Play {
  checkKeys(raw, PLAY_KEYS, 'play', src);
  const at = (k: string) => posOf(src, raw, k) ?? pos;
  if (raw['hosts'] === undefined) throw new UserError("play has no 'hosts'", pos);
  const hosts = Array.isArray(raw['hosts']) ? raw['hosts'].join(',') : String(raw['hosts']);
  if (Array.isArray(raw['roles']) && raw['roles'].length > 0) {
    throw new UserError("'roles' are not supported yet; use tasks (or import_tasks) instead", at('roles'));
  }
  const strategy = raw['strategy'] ?? 'linear';
  if (strategy !== 'linear' && strategy !== 'free') throw new UserError(`unknown strategy '${String(strategy)}'; use linear or free`, at('strategy'));
  const list = (k: string) => parseItems(raw[k], src, state, at(k), k);
  const serialRaw = raw['serial'];
  const serial = serialRaw === undefined ? [] : Array.isArray(serialRaw) ? serialRaw : [serialRaw];
  for (const s of serial) {
    if (!(typeof s === 'number' || (typeof s === 'string' && /^\d+%?$/.test(s.trim())))) {
      throw new UserError(`serial must be a number, a percentage or a list of them, got '${String(s)}'`, at('serial'));
    }
  }
  const varsFiles = raw['vars_files'] === undefined ? [] : asList(raw['vars_files']).map((p) => ({ path: p, pos: at('vars_files') }));
  const play: Play = {
    ...parseInheritable(raw, src, pos),
    name: raw['name'] === undefined ? hosts : String(raw['name']),
    hosts,
    varsFiles,
    gatherFacts: toBool(raw['gather_facts'] ?? false, at('gather_facts')),
    preTasks: list('pre_tasks'),
    tasks: list('tasks'),
    postTasks: list('post_tasks'),
    handlers: parseItems(raw['handlers'], src, state, at('handlers'), 'handlers').map((h) => {
      if (h.kind !== 'task') throw new UserError('handlers must be tasks, not blocks', h.pos);
      return h;
    }),
    strategy,
    serial: serial as (number | string)[],
    forceHandlers: toBool(raw['force_handlers'] ?? false, at('force_handlers')),
    pos,
    dir: dirname(src.file),
  };
  if (raw['max_fail_percentage'] !== undefined) play.maxFailPercentage = Number(raw['max_fail_percentage']);
  if (raw['remote_user'] !== undefined) play.vars = { ansible_user: raw['remote_user'], ...play.vars };
  return play;
}

function parseItems(value: unknown, src: YamlFile, state: LoadState, pos: SourcePos, what: string): Item[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) throw new UserError(`'${what}' must be a list of tasks`, pos);
  return value.map((entry) => {
    const p = posOf(src, entry) ?? pos;
    if (!isObject(entry)) throw new UserError(`each entry of '${what}' must be a task (a mapping)`, p);
    return 'block' in entry ? parseBlock(entry, src, state, p) : parseTask(entry, src, state, p);
  });
}

function parseBlock(raw: Record<string, unknown>, src: YamlFile, state: LoadState, pos: SourcePos): Block {
  checkKeys(raw, BLOCK_KEYS, 'block', src);
  const at = (k: string) => posOf(src, raw, k) ?? pos;
  const ordinal = state.nextOrdinal++;
  return {
    ...parseInheritable(raw, src, pos),
    kind: 'block',
    ordinal,
    name: raw['name'] === undefined ? undefined : String(raw['name']),
    block: parseItems(raw['block'], src, state, at('block'), 'block'),
    rescue: parseItems(raw['rescue'], src, state, at('rescue'), 'rescue'),
    always: parseItems(raw['always'], src, state, at('always'), 'always'),
    pos,
  };
}

function parseTask(raw: Record<string, unknown>, src: YamlFile, state: LoadState, pos: SourcePos): Task {
  const at = (k: string) => posOf(src, raw, k) ?? pos;
  const actionKeys = Object.keys(raw).filter((k) => !TASK_KEYS.has(k) && !k.startsWith('with_'));
  if (actionKeys.length === 0) throw new UserError('task has no module; add one such as `command:` or `copy:`', pos);
  const known = actionKeys.filter((k) => state.catalog.lookup(canonicalModuleName(k)));
  if (known.length > 1) throw new UserError(`task has several modules (${known.join(', ')}); one task runs one module`, pos);
  for (const k of actionKeys) {
    if (known[0] === k) continue;
    const hint = didYouMean(k, [...TASK_KEYS, ...state.catalog.names()]);
    const what = known.length ? `unknown task keyword '${k}'` : `unknown module '${k}'`;
    throw new UserError(`${what}${hint}`, at(k));
  }
  const moduleKey = known[0]!;
  const module = canonicalModuleName(moduleKey);
  const info = state.catalog.lookup(module)!;
  const args = parseModuleArgs(raw[moduleKey], raw['args'], info, at(moduleKey));
  if (info.closedParams) {
    const argsPos = (k: string) => posOf(src, raw[moduleKey], k) ?? at(moduleKey);
    for (const k of Object.keys(args)) {
      if (!info.params.has(k)) throw new UserError(`${module}: unsupported parameter '${k}'${didYouMean(k, info.params)}`, argsPos(k));
    }
  }
  const withKeys = Object.keys(raw).filter((k) => k.startsWith('with_'));
  for (const k of withKeys) {
    if (k !== 'with_items' && k !== 'with_list') throw new UserError(`'${k}' is not supported; use loop:`, at(k));
  }
  if (raw['loop'] !== undefined && withKeys.length) throw new UserError('use either loop or with_*, not both', at('loop'));
  const lc = isObject(raw['loop_control']) ? raw['loop_control'] : {};
  const task: Task = {
    ...parseInheritable(raw, src, pos),
    kind: 'task',
    ordinal: state.nextOrdinal++,
    name: raw['name'] === undefined ? undefined : String(raw['name']),
    module,
    args,
    loopControl: {
      loopVar: typeof lc['loop_var'] === 'string' ? lc['loop_var'] : 'item',
      indexVar: typeof lc['index_var'] === 'string' ? lc['index_var'] : undefined,
      label: lc['label'],
      pause: typeof lc['pause'] === 'number' ? lc['pause'] : undefined,
    },
    notify: raw['notify'] === undefined ? [] : asList(raw['notify']).map(String),
    listen: raw['listen'] === undefined ? [] : asList(raw['listen']).map(String),
    retries: raw['retries'] === undefined ? 3 : toInt(raw['retries'], at('retries')),
    delay: raw['delay'] === undefined ? 5 : toInt(raw['delay'], at('delay')),
    pos,
    keyPos: posOf(src, raw) ? new Map(src.positions.get(raw)!.keys) : new Map(),
    baseDir: dirname(src.file),
  };
  if (raw['loop'] !== undefined) task.loop = raw['loop'];
  // with_items flattens one level of nested lists; with_list does not.
  if (raw['with_items'] !== undefined) task.loop = { flatten: raw['with_items'] };
  if (raw['with_list'] !== undefined) task.loop = raw['with_list'];
  if (raw['register'] !== undefined) task.register = String(raw['register']);
  if (raw['changed_when'] !== undefined) task.changedWhen = asList(raw['changed_when']);
  if (raw['failed_when'] !== undefined) task.failedWhen = asList(raw['failed_when']);
  if (raw['until'] !== undefined) task.until = asList(raw['until']);
  return task;
}

function parseModuleArgs(value: unknown, extra: unknown, info: ModuleInfo, pos: SourcePos): Record<string, unknown> {
  let args: Record<string, unknown>;
  if (value === null || value === undefined) args = {};
  else if (typeof value === 'string') {
    try {
      args = parseKeyValueArgs(value, info.freeForm ? { param: info.freeForm, knownParams: info.params } : undefined);
    } catch (e) {
      throw new UserError(`${info.name}: ${(e as Error).message}; use a mapping of arguments`, pos);
    }
  } else if (isObject(value)) args = { ...value };
  else throw new UserError(`${info.name}: arguments must be a mapping or a key=value string`, pos);
  if (isObject(extra)) args = { ...extra, ...args };
  return args;
}

function parseInheritable(raw: Record<string, unknown>, src: YamlFile, pos: SourcePos): Inheritable {
  const at = (k: string) => posOf(src, raw, k) ?? pos;
  const vars = raw['vars'];
  if (vars !== undefined && vars !== null && !isObject(vars)) throw new UserError("'vars' must be a mapping", at('vars'));
  const env = raw['environment'];
  if (env !== undefined && env !== null && !isObject(env) && typeof env !== 'string') throw new UserError("'environment' must be a mapping", at('environment'));
  const out: Inheritable = {
    when: raw['when'] === undefined ? [] : asList(raw['when']),
    tags: raw['tags'] === undefined ? [] : parseTags(raw['tags']),
    environment: env === undefined || env === null ? [] : [env as Record<string, unknown>],
    vars: isObject(vars) ? { ...vars } : {},
  };
  const optional: [keyof Inheritable, string][] = [
    ['become', 'become'], ['becomeUser', 'become_user'], ['becomePassword', 'become_password'],
    ['ignoreErrors', 'ignore_errors'], ['delegateTo', 'delegate_to'], ['runOnce', 'run_once'],
    ['checkMode', 'check_mode'], ['noLog', 'no_log'], ['anyErrorsFatal', 'any_errors_fatal'],
  ];
  for (const [field, key] of optional) if (raw[key] !== undefined) (out as unknown as Record<string, unknown>)[field] = raw[key];
  return out;
}

function parseTags(v: unknown): string[] {
  return asList(v).flatMap((t) => String(t).split(',')).map((t) => t.trim()).filter(Boolean);
}

function checkKeys(raw: Record<string, unknown>, allowed: Set<string>, what: string, src: YamlFile): void {
  for (const k of Object.keys(raw)) {
    if (!allowed.has(k)) {
      throw new UserError(`unknown ${what} keyword '${k}'${didYouMean(k, allowed)}`, posOf(src, raw, k));
    }
  }
}

export function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function asList(v: unknown): unknown[] {
  return Array.isArray(v) ? v : [v];
}

const TRUTHY = new Set(['yes', 'true', 'on', '1', 'y']);
const FALSY = new Set(['no', 'false', 'off', '0', 'n', '']);
export function toBool(v: unknown, pos?: SourcePos): boolean {
  if (typeof v === 'boolean') return v;
  if (typeof v === 'number') return v !== 0;
  const s = String(v).toLowerCase();
  if (TRUTHY.has(s)) return true;
  if (FALSY.has(s)) return false;
  throw new UserError(`expected a boolean, got '${String(v)}'`, pos);
}

function toInt(v: unknown, pos: SourcePos): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0) throw new UserError(`expected a whole number, got '${String(v)}'`, pos);
  return n;
}
