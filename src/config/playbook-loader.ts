import { dirname, resolve } from 'node:path';
import type { Block, Inheritable, Item, Play, Playbook, RoleScope, Task } from '../model/playbook.js';
import { UserError, type SourcePos } from '../model/source.js';
import { canonicalModuleName, type ModuleCatalog, type ModuleInfo } from '../modules/catalog.js';
import { readModuleArgs } from './module-args.js';
import { didYouMean } from './suggest.js';
import { loadYamlFile, loadYamlFileSync, posOf, valuePosOf, type YamlFile } from './yaml.js';
import { varsOf } from './vars-keyword.js';
import { assignOwn } from '../inventory/safe.js';
import { findRole, roleFile, roleSearchPath } from './roles.js';

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

const STATIC_IMPORTS = ['import_tasks', 'import_role'];

/** Loader state for one run: file stack for cycle detection, ordinal counter, current role. */
interface LoadState {
  catalog: ModuleCatalog;
  nextOrdinal: number;
  stack: string[];
  /** Roles applied and role handlers collected in the play being parsed. */
  play?: { applied: Set<string>; handlers: Task[]; handlerRoles: Set<string>; roleVars: Play['roleVars'][] };
  searchPath: string[];
  /** Inside a role: its directory (files/, templates/) and name (handler aliases). */
  baseDir?: string;
  role?: string;
}

export async function loadPlaybook(file: string, catalog: ModuleCatalog): Promise<Playbook> {
  const state: LoadState = { catalog, nextOrdinal: 1, stack: [], searchPath: [] };
  return { file, plays: await loadPlays(resolve(file), state, undefined) };
}

/**
 * include_tasks / include_role at run time: the loaded items get ordinals strictly between
 * the include task's and the next task's, so the linear strategy keeps hosts in step.
 */
export function loadIncluded(
  what: { tasksFile: string } | { role: string; params: Record<string, unknown>; tasksFrom?: string; handlersFrom?: string },
  ctx: { catalog: ModuleCatalog; playDir: string; baseDir: string; role?: string; ordinal: number; pos: SourcePos; handlers: Task[] },
): Item[] {
  const state: LoadState = {
    catalog: ctx.catalog,
    nextOrdinal: 1,
    stack: [],
    searchPath: roleSearchPath(ctx.playDir),
    baseDir: ctx.baseDir,
    role: ctx.role,
    play: { applied: new Set(), handlers: [], handlerRoles: new Set(ctx.handlers.map((h) => h.role ?? '')), roleVars: [] },
  };
  const items =
    'tasksFile' in what
      ? loadTaskFile(what.tasksFile, state, ctx.pos)
      : [expandRole(what.role, what.params, { tasksFrom: what.tasksFrom, handlersFrom: what.handlersFrom, always: true }, state, ctx.pos, {})];
  ctx.handlers.push(...state.play!.handlers);
  const span = state.nextOrdinal;
  const remap = (list: Item[]) => {
    for (const item of list) {
      item.ordinal = ctx.ordinal + item.ordinal / span;
      if (item.kind === 'block') [item.block, item.rescue, item.always].forEach(remap);
    }
  };
  remap(items);
  return items;
}

/** A file of tasks (import_tasks / include_tasks / a role's tasks/main.yml). */
function loadTaskFile(file: string, state: LoadState, from: SourcePos): Item[] {
  if (state.stack.includes(file)) throw new UserError(`include cycle: ${[...state.stack, file].join(' -> ')}`, from);
  const src = loadYamlFileSync(file);
  if (src.value === null) return [];
  state.stack.push(file);
  try {
    return parseItems(src.value, src, state, posOf(src, src.value) ?? { file, line: 1, col: 1 }, 'tasks');
  } finally {
    state.stack.pop();
  }
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
  state.searchPath = roleSearchPath(dirname(src.file));
  state.play = { applied: new Set(), handlers: [], handlerRoles: new Set(), roleVars: [] };
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
    hostsPos: at('hosts'),
    varsFiles,
    gatherFacts: toBool(raw['gather_facts'] ?? false, at('gather_facts')),
    preTasks: list('pre_tasks'),
    // Roles run after pre_tasks and their handlers, before tasks, in the same section.
    tasks: [...parseRoles(raw['roles'], src, state, at('roles')), ...list('tasks')],
    postTasks: list('post_tasks'),
    handlers: [
      ...state.play.handlers,
      ...parseItems(raw['handlers'], src, state, at('handlers'), 'handlers').map((h) => {
        if (h.kind !== 'task') throw new UserError('handlers must be tasks, not blocks', h.pos);
        return h;
      }),
    ],
    strategy,
    serial: serial as (number | string)[],
    forceHandlers: toBool(raw['force_handlers'] ?? false, at('force_handlers')),
    pos,
    dir: dirname(src.file),
    // Merged once here rather than layered for every task: the same values, later roles winning.
    roleVars: {
      defaults: state.play.roleVars.reduce((all, r) => assignOwn(all, r.defaults), {}),
      vars: state.play.roleVars.reduce((all, r) => assignOwn(all, r.vars), {}),
    },
  };
  if (raw['max_fail_percentage'] !== undefined) play.maxFailPercentage = Number(raw['max_fail_percentage']);
  if (raw['remote_user'] !== undefined) play.vars = { ansible_user: raw['remote_user'], ...play.vars };
  state.play = undefined;
  return play;
}

const ROLE_ENTRY_KEYWORDS = new Set(['role', 'name', ...INHERITABLE_KEYS, 'become_method']);

/** `roles:` entries: a name, or a mapping with `role:` plus keywords and role parameters. */
function parseRoles(value: unknown, src: YamlFile, state: LoadState, pos: SourcePos): Item[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) throw new UserError("'roles' must be a list of role names or mappings", pos);
  return value.map((entry, i) => {
    const p = posOf(src, entry) ?? posOf(src, value, String(i)) ?? pos;
    if (typeof entry === 'string') return expandRole(entry, {}, {}, state, p, {});
    if (!isObject(entry)) throw new UserError('a role entry is a name or a mapping with role:', p);
    const name = entry['role'] ?? entry['name'];
    if (typeof name !== 'string') throw new UserError("a role entry needs 'role: NAME'", p);
    const params: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(entry)) if (!ROLE_ENTRY_KEYWORDS.has(k)) params[k] = v;
    return expandRole(name, params, {}, state, p, entry, src);
  });
}

interface RoleOptions {
  tasksFrom?: string;
  handlersFrom?: string;
  /** include_role / import_role run the role even when it already ran in the play. */
  always?: boolean;
}

/**
 * A role as a block: its dependencies first (each once per play unless allow_duplicates or
 * other parameters), then its tasks, with defaults/vars/params for the variable layers. The
 * entry's keywords (when, tags, become...) apply to the dependencies too, as in Ansible.
 */
function expandRole(name: string, params: Record<string, unknown>, opts: RoleOptions, state: LoadState, pos: SourcePos, entry: Record<string, unknown>, entrySrc?: YamlFile): Block {
  const dir = findRole(name, state.searchPath, pos);
  const metaFile = roleFile(dir, 'meta');
  const meta = metaFile ? loadYamlFileSync(metaFile) : undefined;
  const metaValue = isObject(meta?.value) ? meta!.value : {};
  const key = `${dir}\0${JSON.stringify(params)}`;
  const outer: Block = {
    ...parseInheritable(entry, entrySrc ?? { file: pos.file, value: entry, positions: new WeakMap() }, pos),
    kind: 'block',
    ordinal: state.nextOrdinal++,
    name: `role ${name}`,
    block: [],
    rescue: [],
    always: [],
    pos,
  };
  const applied = state.play!.applied;
  if (applied.has(key) && !opts.always && metaValue['allow_duplicates'] !== true) return outer;
  applied.add(key);
  if (state.stack.includes(dir)) throw new UserError(`role dependency cycle: ${[...state.stack, dir].join(' -> ')}`, pos);
  state.stack.push(dir);
  const saved = { baseDir: state.baseDir, role: state.role };
  try {
    const deps = Array.isArray(metaValue['dependencies']) ? metaValue['dependencies'] : [];
    for (const dep of deps) {
      const dpos = posOf(meta!, dep) ?? { file: metaFile!, line: 1, col: 1 };
      if (typeof dep === 'string') outer.block.push(expandRole(dep, {}, {}, state, dpos, {}));
      else if (isObject(dep) && typeof (dep['role'] ?? dep['name']) === 'string') {
        const depParams: Record<string, unknown> = {};
        for (const [k, v] of Object.entries(dep)) if (!ROLE_ENTRY_KEYWORDS.has(k)) depParams[k] = v;
        outer.block.push(expandRole(String(dep['role'] ?? dep['name']), depParams, {}, state, dpos, dep, meta));
      } else throw new UserError('a dependency is a role name or a mapping with role:', dpos);
    }
    state.baseDir = dir;
    state.role = name;
    const roleScope: RoleScope = { name, dir, defaults: varsFile(dir, 'defaults'), params };
    const tasksFile = roleFile(dir, 'tasks', opts.tasksFrom);
    if (opts.tasksFrom && !tasksFile) throw new UserError(`role '${name}' has no tasks/${opts.tasksFrom}`, pos);
    const roleBlock: Block = {
      kind: 'block',
      ordinal: state.nextOrdinal++,
      name: `role ${name}`,
      role: roleScope,
      block: tasksFile ? loadTaskFile(tasksFile, state, pos) : [],
      rescue: [],
      always: [],
      pos,
      when: [],
      tags: [],
      environment: [],
      vars: varsFile(dir, 'vars'),
    };
    outer.block.push(roleBlock);
    state.play!.roleVars.push({ defaults: roleScope.defaults, vars: roleBlock.vars });
    const handlersKey = `${dir}\0${opts.handlersFrom ?? 'main'}`;
    const handlersFile = roleFile(dir, 'handlers', opts.handlersFrom);
    if (handlersFile && !state.play!.handlerRoles.has(handlersKey)) {
      state.play!.handlerRoles.add(handlersKey);
      for (const h of loadTaskFile(handlersFile, state, pos)) {
        if (h.kind !== 'task') throw new UserError('handlers must be tasks, not blocks', h.pos);
        state.play!.handlers.push({ ...h, handlerScope: { ...roleBlock, block: [] } });
      }
    }
  } finally {
    state.stack.pop();
    state.baseDir = saved.baseDir;
    state.role = saved.role;
  }
  return outer;
}

/**
 * Where each argument's value is written: in the module's mapping or `args:`; for the k=v
 * form, the start of that string (the value's own column inside it is not tracked).
 */
function argPositions(src: YamlFile, raw: Record<string, unknown>, moduleKey: string, args: Record<string, unknown>): Map<string, SourcePos> {
  const out = new Map<string, SourcePos>();
  const inline = raw[moduleKey];
  for (const k of Object.keys(args)) {
    const at = valuePosOf(src, inline, k) ?? valuePosOf(src, raw['args'], k) ?? (typeof inline === 'string' ? valuePosOf(src, raw, moduleKey) : undefined);
    if (at) out.set(k, at);
  }
  return out;
}

/** A role's defaults/main.yml or vars/main.yml: a mapping, or nothing. */
function varsFile(dir: string, sub: string): Record<string, unknown> {
  const f = roleFile(dir, sub);
  if (!f) return {};
  const src = loadYamlFileSync(f);
  if (src.value === null) return {};
  if (!isObject(src.value)) throw new UserError(`${sub}/main.yml must hold a mapping of variables`, { file: f, line: 1, col: 1 });
  return src.value;
}

/** import_tasks / import_role: resolved while loading, as a block carrying the keywords. */
function parseImport(raw: Record<string, unknown>, key: string, src: YamlFile, state: LoadState, pos: SourcePos): Block {
  const at = (k: string) => posOf(src, raw, k) ?? pos;
  const allowed = new Set([key, `ansible.builtin.${key}`, 'name', ...INHERITABLE_KEYS]);
  for (const k of Object.keys(raw)) if (!allowed.has(k)) throw new UserError(`'${k}' cannot be used with ${key}${didYouMean(k, allowed)}`, at(k));
  const value = raw[key] ?? raw[`ansible.builtin.${key}`];
  const keywords = parseInheritable(raw, src, pos);
  if (key === 'import_tasks') {
    const file = typeof value === 'string' ? value : isObject(value) ? value['file'] : undefined;
    if (typeof file !== 'string') throw new UserError('import_tasks takes a file name', at(key));
    if (file.includes('{{')) throw new UserError('import_tasks is resolved while loading and cannot use variables; use include_tasks', at(key));
    return {
      ...keywords,
      kind: 'block',
      ordinal: state.nextOrdinal++,
      name: raw['name'] === undefined ? undefined : String(raw['name']),
      block: loadTaskFile(resolve(dirname(src.file), file), state, at(key)),
      rescue: [],
      always: [],
      pos,
    };
  }
  if (!isObject(value) || typeof value['name'] !== 'string') throw new UserError('import_role needs a mapping with name:', at(key));
  const { name, tasks_from, handlers_from, ...params } = value;
  const block = expandRole(String(name), params, { tasksFrom: tasks_from as string | undefined, handlersFrom: handlers_from as string | undefined, always: true }, state, at(key), raw, src);
  return { ...block, ...keywords, block: block.block, name: raw['name'] === undefined ? block.name : String(raw['name']) };
}

function parseItems(value: unknown, src: YamlFile, state: LoadState, pos: SourcePos, what: string): Item[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) throw new UserError(`'${what}' must be a list of tasks`, pos);
  return value.map((entry) => {
    const p = posOf(src, entry) ?? pos;
    if (!isObject(entry)) throw new UserError(`each entry of '${what}' must be a task (a mapping)`, p);
    if ('block' in entry) return parseBlock(entry, src, state, p);
    const imp = STATIC_IMPORTS.find((k) => k in entry || `ansible.builtin.${k}` in entry);
    return imp ? parseImport(entry, imp, src, state, p) : parseTask(entry, src, state, p);
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
    argPos: argPositions(src, raw, moduleKey, args),
    baseDir: state.baseDir ?? dirname(src.file),
  };
  if (state.role) task.role = state.role;
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
  const read = readModuleArgs(value, extra, info);
  if ('error' in read) throw new UserError(`${info.name}: ${read.error}`, pos);
  return read.args;
}

function parseInheritable(raw: Record<string, unknown>, src: YamlFile, pos: SourcePos): Inheritable {
  const at = (k: string) => posOf(src, raw, k) ?? pos;
  const vars = varsOf(raw['vars']);
  if (vars === undefined) throw new UserError("'vars' must be a mapping (or a list of mappings)", at('vars'));
  const env = raw['environment'];
  if (env !== undefined && env !== null && !isObject(env) && typeof env !== 'string') throw new UserError("'environment' must be a mapping", at('environment'));
  const out: Inheritable = {
    when: raw['when'] === undefined ? [] : asList(raw['when']),
    tags: raw['tags'] === undefined ? [] : parseTags(raw['tags']),
    environment: env === undefined || env === null ? [] : [env as Record<string, unknown>],
    vars: { ...vars },
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
