/**
 * `oasis-play validate`: every problem of playbooks, roles, task files, inventories, variable
 * files, templates and service manifests at once, as `file:line:col: message`.
 */
import { basename, dirname } from 'node:path';
import { loadInventories } from '../inventory/load.js';
import { resolveHostVars } from '../inventory/precedence.js';
import { classifyValue, discover, type Target } from './discover.js';
import { loadYaml, newValidateCtx, reportThrown, type ValidateCtx } from './context.js';
import { checkInventory } from './inventory-file.js';
import type { ItemCtx } from './item-ctx.js';
import { validatePlaybook } from './playbook.js';
import { Problems, type Problem } from './problems.js';
import { locator } from './context.js';
import { validateRoleDir } from './role-dir.js';
import type { KnownSources } from './scope.js';
import { checkService } from './service-file.js';
import { walkTaskFile } from './tasks.js';
import { checkTemplateFile } from './template-file.js';
import { checkVarsFile } from './vars-file.js';

export { formatProblem, type Problem } from './problems.js';

export interface ValidateOptions {
  /** -i: with the inventory (and -e) known, a variable nothing defines is an error. */
  inventory?: string[];
  extraVars?: Record<string, unknown>;
}

export interface ValidateResult {
  problems: Problem[];
  errors: number;
  files: number;
}

export async function validatePaths(paths: string[], opts: ValidateOptions = {}): Promise<ValidateResult> {
  const out = new Problems();
  const ctx = newValidateCtx(out);
  const { targets, missing } = discover(paths);
  for (const m of missing) out.error(undefined, 'no such file or directory', m);
  const playbookDirs = targets.filter((t) => t.kind === 'playbook' || t.kind === 'auto').map((t) => dirname(t.path));
  const known = opts.inventory?.length ? await knownVariables(ctx, opts.inventory, opts.extraVars ?? {}, playbookDirs) : undefined;
  for (const t of targets) await validateTarget(ctx, t, known);
  return { problems: out.list(), errors: out.errorCount, files: targets.length };
}

/** What `run` checks before it connects: the playbooks given, errors only. */
export function validatePlaybooks(files: string[]): Problem[] {
  const out = new Problems();
  const ctx = newValidateCtx(out);
  for (const f of files) validatePlaybook(ctx, f);
  return out.list().filter((p) => p.severity === 'error');
}

async function validateTarget(ctx: ValidateCtx, t: Target, known: KnownSources | undefined): Promise<void> {
  switch (t.kind) {
    case 'playbook':
      return validatePlaybook(ctx, t.path, known);
    case 'tasks':
    case 'handlers':
      return walkTaskFile(standalone(ctx, t.path, t.kind === 'handlers'), t.path);
    case 'vars':
      return void checkVarsFile(ctx, t.path);
    case 'inventory':
      return checkInventory(ctx, t.path);
    case 'service':
      return checkService(ctx, t.path);
    case 'template':
      return void checkTemplateFile(ctx, t.path);
    case 'role':
      return validateRoleDir(ctx, t.path);
    case 'meta': {
      const src = loadYaml(ctx, t.path);
      if (src) ctx.schemas.check('playbook.schema.json', 'role_meta', src.value, locator(src, src.value, { file: t.path, line: 1, col: 1 }), ctx.out, { unknownKey: (k) => `unknown key '${k}' in a role's meta/main.yml` });
      return;
    }
    case 'auto':
    case 'auto-playbook': {
      const src = loadYaml(ctx, t.path);
      if (!src) return;
      const kind = classifyValue(src.value);
      if (t.kind === 'auto-playbook' && (kind !== 'playbook' || src.value === null)) return;
      return validateTarget(ctx, { path: t.path, kind }, known);
    }
  }
}

/** A task file on its own: its play (handlers, variables) is unknown. */
function standalone(ctx: ValidateCtx, file: string, handler: boolean): Omit<ItemCtx, 'src'> {
  const dir = dirname(file);
  const playDir = ['tasks', 'handlers'].includes(basename(dir)) ? dirname(dir) : dir;
  return { ctx, playDir, stack: [], handler, conditional: false, guarded: new Set() };
}

/** Every variable the inventory (hosts, groups, group_vars, host_vars) and -e define. */
async function knownVariables(ctx: ValidateCtx, sources: string[], extraVars: Record<string, unknown>, playbookDirs: string[]): Promise<KnownSources | undefined> {
  try {
    const { inventory } = await loadInventories(sources, { playbookDirs });
    const names = new Set(Object.keys(extraVars));
    for (const h of inventory.hosts.keys()) for (const k of Object.keys(resolveHostVars(inventory, h))) names.add(k);
    for (const g of inventory.groups.values()) for (const k of Object.keys(g.vars)) names.add(k);
    return { names };
  } catch (e) {
    reportThrown(ctx, e, { file: sources[0] ?? '-i', line: 1, col: 1 });
    return undefined;
  }
}

