import { existsSync, statSync } from 'node:fs';
import { delimiter, isAbsolute, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { UserError, type SourcePos } from '../model/source.js';
import { didYouMean } from './suggest.js';
import { readdirSync } from 'node:fs';

/** The roles shipped with oasis-play (nginx, load_balancer, oasis_agent, ...). */
export const BUILTIN_ROLES_DIR = fileURLToPath(new URL('../../roles', import.meta.url));

/**
 * Where roles are looked up, in order: `roles/` beside the playbook, the playbook dir itself,
 * then OASIS_ROLES_PATH (or ANSIBLE_ROLES_PATH) entries, then the built-in roles.
 */
export function roleSearchPath(playbookDir: string, env: NodeJS.ProcessEnv = process.env): string[] {
  const configured = (env['OASIS_ROLES_PATH'] ?? env['ANSIBLE_ROLES_PATH'] ?? '').split(delimiter).filter(Boolean);
  return [join(playbookDir, 'roles'), playbookDir, ...configured.map((p) => resolve(playbookDir, p)), BUILTIN_ROLES_DIR];
}

/** The directory of role `name` (a name, or a path to the role). */
export function findRole(name: string, searchPath: string[], pos: SourcePos | undefined): string {
  if (name.includes('/') || isAbsolute(name)) {
    const dir = resolve(searchPath[1] ?? '.', name);
    if (isDir(dir)) return dir;
  } else {
    for (const base of searchPath) {
      const dir = join(base, name);
      if (isDir(join(dir, 'tasks')) || isDir(join(dir, 'meta')) || isDir(join(dir, 'handlers'))) return dir;
    }
  }
  const known = searchPath.flatMap((base) => safeList(base));
  throw new UserError(`role '${name}' not found (looked in ${searchPath.join(', ')})${didYouMean(name, known)}`, pos);
}

/** `dir/sub/name.yml` (or .yaml, or no extension) if it exists. */
export function roleFile(dir: string, sub: string, name = 'main'): string | undefined {
  for (const candidate of [`${name}.yml`, `${name}.yaml`, name]) {
    const p = join(dir, sub, candidate);
    if (existsSync(p) && statSync(p).isFile()) return p;
  }
  return undefined;
}

function isDir(p: string): boolean {
  try {
    return statSync(p).isDirectory();
  } catch {
    return false;
  }
}

function safeList(dir: string): string[] {
  try {
    return readdirSync(dir, { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => d.name);
  } catch {
    return [];
  }
}
