/** Lists of tasks and blocks: keywords, modules, conditions, notify and handlers. */
import type { SourcePos } from '../model/source.js';
import { posOf } from '../config/yaml.js';
import { didYouMean } from '../config/suggest.js';
import { canonicalModuleName } from '../modules/catalog.js';
import { BLOCK_KEYWORDS, TASK_KEYWORDS } from '../schema/keywords.js';
import { STATIC_IMPORTS } from '../schema/modules.js';
import { eachString, isMapping, keyPos, loadYaml, locator } from './context.js';
import type { ItemCtx } from './item-ctx.js';
import { checkModuleArgs } from './task-args.js';
import { useCondition, useTemplate } from './usage.js';
import { varsOf } from '../config/vars-keyword.js';

const TASK_KEYS = new Set(Object.keys(TASK_KEYWORDS));
const STATIC = new Set(STATIC_IMPORTS.map((m) => m.name));
/** Keywords whose values are rendered at run time (name and notify are not). */
const RENDERED = ['loop', 'with_items', 'with_list', 'delegate_to', 'become_user', 'become', 'environment', 'ignore_errors', 'check_mode', 'run_once', 'retries', 'delay'];
const CONDITIONS = ['changed_when', 'failed_when', 'until'];

/** A tasks file (import_tasks, include_tasks, a role's tasks/ or handlers/). */
export function walkTaskFile(ic: Omit<ItemCtx, 'src'>, file: string): void {
  const src = loadYaml(ic.ctx, file);
  if (!src || src.value === null) return;
  const inner: ItemCtx = { ...ic, src, stack: [...ic.stack, file] };
  if (!Array.isArray(src.value)) return ic.ctx.out.error(posOf(src, src.value) ?? { file, line: 1, col: 1 }, 'a tasks file must be a list of tasks');
  walkItems(inner, src.value, ic.handler ? 'handlers' : 'tasks', { file, line: 1, col: 1 });
}

export function walkItems(ic: ItemCtx, value: unknown, section: string, at: SourcePos): void {
  if (!Array.isArray(value)) return; // the schema of the enclosing mapping says what is wrong
  value.forEach((entry, i) => {
    const pos = posOf(ic.src, entry) ?? posOf(ic.src, value, String(i)) ?? at;
    if (!isMapping(entry)) return ic.ctx.out.error(pos, `each entry of '${section}' must be a task (a mapping)`);
    if (Object.hasOwn(entry, 'block')) {
      if (ic.handler) return ic.ctx.out.error(pos, 'handlers must be tasks, not blocks');
      return checkBlock(ic, entry, pos);
    }
    checkTask(ic, entry, pos);
  });
}

function checkBlock(ic: ItemCtx, raw: Record<string, unknown>, pos: SourcePos): void {
  const { ctx, src } = ic;
  const at = (k: string) => keyPos(src, raw, k, pos);
  ctx.schemas.check('playbook.schema.json', 'block', raw, locator(src, raw, pos), ctx.out, {
    unknownKey: (k, known) => `unknown block keyword '${k}'${didYouMean(k, known)}`,
    skip: [['block'], ['rescue'], ['always']],
  });
  const inner = withKeywords(ic, raw, pos);
  const rescued = Array.isArray(raw['rescue']) && raw['rescue'].length > 0;
  for (const section of ['block', 'rescue', 'always']) walkItems(section === 'block' && rescued ? { ...inner, tolerant: true } : inner, raw[section], section, at(section));
}

/** The keywords every level shares (when, vars, environment...): checked, and inherited by children. */
function withKeywords(ic: ItemCtx, raw: Record<string, unknown>, pos: SourcePos): ItemCtx {
  const at = (k: string) => keyPos(ic.src, raw, k, pos);
  const guards = raw['when'] === undefined ? new Set<string>() : useCondition(ic, raw['when'], at('when'), (i) => posOf(ic.src, raw['when'], String(i)));
  const ignoring = raw['ignore_errors'] !== undefined && raw['ignore_errors'] !== false;
  const inner: ItemCtx = { ...ic, conditional: ic.conditional || raw['when'] !== undefined, guarded: new Set([...ic.guarded, ...guards]), tolerant: ic.tolerant || ignoring };
  const vars = varsOf(raw['vars']);
  if (vars) {
    ic.scope?.defineAll(vars);
    // Variables render when read: check their syntax, not what they read.
    eachString(ic.src, raw['vars'], at('vars'), (s, p) => useTemplate(inner, s, p, { track: false }));
  }
  for (const k of RENDERED) if (raw[k] !== undefined) eachString(ic.src, raw[k], at(k), (s, p) => useTemplate(inner, s, p));
  return inner;
}

function checkTask(ic: ItemCtx, raw: Record<string, unknown>, pos: SourcePos): void {
  const { ctx, src } = ic;
  const at = (k: string) => keyPos(src, raw, k, pos);
  const keys = Object.keys(raw);
  const actionKeys = keys.filter((k) => !TASK_KEYS.has(k) && !k.startsWith('with_'));
  const isModule = (k: string) => STATIC.has(canonicalModuleName(k)) || ctx.modules.lookup(canonicalModuleName(k)) !== undefined;
  const known = actionKeys.filter(isModule);
  if (actionKeys.length === 0) ctx.out.error(pos, 'task has no module; add one such as `command:` or `copy:`');
  if (known.length > 1) ctx.out.error(pos, `task has several modules (${known.join(', ')}); one task runs one module`);
  for (const k of actionKeys) {
    if (isModule(k)) continue;
    const what = known.length ? `unknown task keyword '${k}'` : `unknown module '${k}'`;
    // `ansible.builtin.cpy`: suggest on the short name, then say it the way it was written.
    const prefix = k.slice(0, k.length - canonicalModuleName(k).length);
    const hint = didYouMean(canonicalModuleName(k), [...TASK_KEYS, ...ctx.modules.names(), ...STATIC]);
    ctx.out.error(at(k), `${what}${prefix && hint ? hint.replace(/'([^']+)'/, `'${prefix}$1'`) : hint}`);
  }
  const withKeys = keys.filter((k) => k.startsWith('with_'));
  for (const k of withKeys) if (k !== 'with_items' && k !== 'with_list') ctx.out.error(at(k), `'${k}' is not supported; use loop:`);
  if (raw['loop'] !== undefined && withKeys.length) ctx.out.error(at('loop'), 'use either loop or with_*, not both');

  // Keywords against the schema; module names and arguments are checked on their own below.
  const keywords = { ...raw };
  for (const k of actionKeys) delete keywords[k];
  ctx.schemas.check('playbook.schema.json', 'task', keywords, locator(src, raw, pos), ctx.out, {
    unknownKey: (k) => (k.startsWith('with_') ? undefined : `unknown task keyword '${k}'`),
  });

  // As Ansible: a task cannot answer to a notify topic.
  if (!ic.handler && raw['listen'] !== undefined) ctx.out.error(at('listen'), "'listen' is not a valid keyword for a task, only for a handler");

  const inner = withKeywords(ic, raw, pos);
  for (const k of CONDITIONS) if (raw[k] !== undefined) useCondition(inner, raw[k], at(k), (i) => posOf(src, raw[k], String(i)));
  defineTaskVars(ic, raw);
  if (known.length === 1) checkModuleArgs(inner, raw, known[0]!, pos);
  collectHandlers(ic, raw, pos, known[0]);
}

function defineTaskVars(ic: ItemCtx, raw: Record<string, unknown>): void {
  if (typeof raw['register'] === 'string') ic.scope?.define(raw['register']);
  const lc = raw['loop_control'];
  if (isMapping(lc)) for (const k of ['loop_var', 'index_var']) if (typeof lc[k] === 'string') ic.scope?.define(lc[k] as string);
}

/** notify targets (checked when the play is done) and handler names and topics. */
function collectHandlers(ic: ItemCtx, raw: Record<string, unknown>, pos: SourcePos, module: string | undefined): void {
  const play = ic.play;
  if (!play) return;
  const label = raw['name'] === undefined ? canonicalModuleName(module ?? '?') : String(raw['name']);
  const listOf = (k: string) => (Array.isArray(raw[k]) ? (raw[k] as unknown[]) : raw[k] === undefined ? [] : [raw[k]]);
  listOf('notify').forEach((n, i) => {
    if (typeof n !== 'string' || n.includes('{{')) return;
    const p = Array.isArray(raw['notify']) ? posOf(ic.src, raw['notify'], String(i)) : undefined;
    play.notifies.push({ name: n, pos: p ?? keyPos(ic.src, raw, 'notify', pos), task: label });
  });
  if (!ic.handler) return;
  play.handlers.add(label);
  if (ic.role) play.handlers.add(`${ic.role} : ${label}`);
  for (const t of listOf('listen')) play.handlers.add(String(t));
}
