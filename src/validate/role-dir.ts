/**
 * A role directory on its own (not reached from a playbook): every tasks and handlers file,
 * its variables, meta and templates. Its play is unknown, so notify targets and variables are
 * not checked, and files looked up in the playbook directory are only warned about.
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import type { ValidateCtx } from './context.js';
import { loadYaml, locator } from './context.js';
import { didYouMean } from '../config/suggest.js';
import type { ItemCtx } from './item-ctx.js';
import { roleEntries } from './roles.js';
import { walkTaskFile } from './tasks.js';
import { checkTemplateFile } from './template-file.js';
import { checkVarsFile } from './vars-file.js';

const YAML = /\.ya?ml$/;

export function isRoleDir(dir: string): boolean {
  return ['tasks', 'handlers', 'meta'].some((d) => isDir(join(dir, d)));
}

export function validateRoleDir(ctx: ValidateCtx, dir: string): void {
  const name = basename(dir);
  // The usual layout: roles/<name> beside the playbooks that use it.
  const playDir = dirname(dirname(dir));
  const base: Omit<ItemCtx, 'src'> = { ctx, playDir, baseDir: dir, role: name, stack: [dir], handler: false, conditional: false, guarded: new Set() };
  for (const f of files(join(dir, 'tasks'), YAML)) walkTaskFile(base, f);
  for (const f of files(join(dir, 'handlers'), YAML)) walkTaskFile({ ...base, handler: true }, f);
  for (const sub of ['defaults', 'vars']) for (const f of files(join(dir, sub), YAML)) checkVarsFile(ctx, f);
  const meta = ['main.yml', 'main.yaml'].map((m) => join(dir, 'meta', m)).find((m) => existsSync(m));
  if (meta) {
    const src = loadYaml(ctx, meta);
    if (src) {
      const at = { file: meta, line: 1, col: 1 };
      ctx.schemas.check('playbook.schema.json', 'role_meta', src.value, locator(src, src.value, at), ctx.out, {
        unknownKey: (k, known) => `unknown key '${k}' in a role's meta/main.yml${didYouMean(k, known)}`,
      });
      const deps = (src.value as { dependencies?: unknown } | null)?.dependencies;
      roleEntries({ ...base, src }, deps);
    }
  }
  for (const f of files(join(dir, 'templates'), /./)) checkTemplateFile(ctx, f);
}

function files(dir: string, pattern: RegExp): string[] {
  if (!isDir(dir)) return [];
  const out: string[] = [];
  for (const e of readdirSync(dir).sort()) {
    if (e.startsWith('.')) continue;
    const p = join(dir, e);
    if (isDir(p)) out.push(...files(p, pattern));
    else if (pattern.test(e)) out.push(p);
  }
  return out;
}

export function isDir(p: string): boolean {
  try {
    return statSync(p).isDirectory();
  } catch {
    return false;
  }
}
