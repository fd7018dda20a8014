/** Roles as a play applies them: found where the engine looks, with meta, defaults, vars, tasks, handlers. */
import { shownPath, UserError, type SourcePos } from '../model/source.js';
import { posOf } from '../config/yaml.js';
import { findRole, roleFile, roleSearchPath } from '../config/roles.js';
import { didYouMean } from '../config/suggest.js';
import { INHERITABLE } from '../schema/keywords.js';
import { eachString, isMapping, keyPos, loadYaml, locator } from './context.js';
import type { ItemCtx } from './item-ctx.js';
import { cycle } from './problems.js';
import { walkTaskFile } from './tasks.js';
import { useCondition, useTemplate } from './usage.js';
import { checkVarsFile } from './vars-file.js';
import { varsOf } from '../config/vars-keyword.js';

const ENTRY_KEYWORDS = new Set(['role', 'name', ...Object.keys(INHERITABLE)]);

/** `roles:` of a play, or `dependencies:` of a role's meta/main.yml. */
export function roleEntries(ic: ItemCtx, list: unknown): void {
  if (!Array.isArray(list)) return;
  list.forEach((entry, i) => {
    const pos = posOf(ic.src, list, String(i)) ?? posOf(ic.src, list) ?? { file: ic.src.file, line: 1, col: 1 };
    if (typeof entry === 'string') return applyRole(ic, entry, {}, pos, {});
    if (!isMapping(entry)) return; // the schema says what is wrong
    const params: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(entry)) if (!ENTRY_KEYWORDS.has(k)) Object.defineProperty(params, k, { value: v, enumerable: true });
    const at = (k: string) => keyPos(ic.src, entry, k, pos);
    let inner = ic;
    if (entry['when'] !== undefined) {
      const guards = useCondition(ic, entry['when'], at('when'), (j) => posOf(ic.src, entry['when'], String(j)));
      inner = { ...ic, conditional: true, guarded: new Set([...ic.guarded, ...guards]) };
    }
    const vars = varsOf(entry['vars']);
    if (vars) ic.scope?.defineAll(vars);
    // Role parameters are variables: they render when read.
    eachString(ic.src, params, pos, (s, p) => useTemplate(inner, s, p, { track: false }));
    applyRole(inner, entry['role'] ?? entry['name'], params, at(entry['role'] !== undefined ? 'role' : 'name'), {});
  });
}

export function applyRole(ic: ItemCtx, name: unknown, params: Record<string, unknown>, pos: SourcePos, opts: { tasksFrom?: unknown; handlersFrom?: unknown }): void {
  const { ctx } = ic;
  if (typeof name !== 'string') return;
  ic.scope?.defineAll(params);
  if (name.includes('{{') || [opts.tasksFrom, opts.handlersFrom].some((v) => typeof v === 'string' && v.includes('{{'))) {
    // Chosen at run time: its variables and handlers cannot be known here.
    if (ic.scope) ic.scope.dynamic ??= 'a role chosen at run time';
    if (ic.play) ic.play.handlersUnknown = true;
    return;
  }
  let dir: string;
  try {
    dir = findRole(name, ic.play?.searchPath ?? roleSearchPath(ic.playDir), undefined);
  } catch (e) {
    if (!(e instanceof UserError)) throw e;
    // Outside a known play the search path is a guess (roles/ beside the usual playbook dir).
    return ctx.out.add(ic.play ? 'error' : 'warning', pos, e.message.replace(/\(looked in ([^)]*)\)/, (_, l: string) => `(looked in ${l.split(', ').map(shownPath).join(', ')})`));
  }
  if (ic.stack.includes(dir)) return ctx.out.error(pos, `role dependency cycle: ${cycle(ic.stack, dir)}`);
  const inRole: Omit<ItemCtx, 'src'> = { ...ic, baseDir: dir, role: name, stack: [...ic.stack, dir], handler: false };
  const meta = roleFile(dir, 'meta');
  if (meta) checkMeta(ic, meta, inRole);
  for (const sub of ['defaults', 'vars']) {
    const f = roleFile(dir, sub);
    if (f) ic.scope?.defineAll(checkVarsFile(ctx, f));
  }
  const tasksFrom = typeof opts.tasksFrom === 'string' ? opts.tasksFrom : undefined;
  const tasks = roleFile(dir, 'tasks', tasksFrom);
  if (tasksFrom && !tasks) ctx.out.error(pos, `role '${name}' has no tasks/${tasksFrom}`);
  if (tasks) walkTaskFile(inRole, tasks);
  const handlers = roleFile(dir, 'handlers', typeof opts.handlersFrom === 'string' ? opts.handlersFrom : undefined);
  if (handlers) walkTaskFile({ ...inRole, handler: true, conditional: false }, handlers);
}

function checkMeta(ic: ItemCtx, file: string, inRole: Omit<ItemCtx, 'src'>): void {
  const { ctx } = ic;
  const src = loadYaml(ctx, file);
  if (!src) return;
  const at = { file, line: 1, col: 1 };
  ctx.schemas.check('playbook.schema.json', 'role_meta', src.value, locator(src, src.value, at), ctx.out, {
    unknownKey: (k, known) => `unknown key '${k}' in a role's meta/main.yml${didYouMean(k, known)}`,
  });
  if (isMapping(src.value)) roleEntries({ ...inRole, src, baseDir: ic.baseDir, role: ic.role }, src.value['dependencies']);
}
