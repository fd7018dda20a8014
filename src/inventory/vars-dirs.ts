import { readdir, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { loadYamlFile } from '../config/yaml.js';
import { errorAt } from './errors.js';
import { assignOwn } from './safe.js';
import type { VarsDirLayer } from './types.js';

// Ansible's host_group_vars plugin with DataLoader.find_vars_files: for NAME, the first of
// NAME, NAME.yml, NAME.yaml, NAME.json; a directory NAME/ is every file in it (recursively,
// in name order, skipping hidden files and backups~, only no extension or those extensions).
const EXTENSIONS = ['', '.yml', '.yaml', '.json'];

/** Whether a file found in a group_vars/ or host_vars/ directory is read as variables. */
export function isVarsFileName(entry: string): boolean {
  return !entry.startsWith('.') && !entry.endsWith('~') && EXTENSIONS.includes(/\.[^.]*$/.exec(entry)?.[0] ?? '');
}

/**
 * Reads `dir/group_vars/GROUP` for each group and `dir/host_vars/HOST` for each host. Names
 * that are not plain file names (a `/`, `.`, `..`) are never looked up: host names must not
 * reach outside the directory.
 */
export async function loadVarsDir(
  kind: VarsDirLayer['kind'],
  dir: string,
  groups: Iterable<string>,
  hosts: Iterable<string>,
  warnings: string[],
): Promise<VarsDirLayer> {
  const abs = resolve(dir);
  return {
    kind,
    dir: abs,
    groups: await loadNamed(join(abs, 'group_vars'), groups, warnings),
    hosts: await loadNamed(join(abs, 'host_vars'), hosts, warnings),
  };
}

async function loadNamed(sub: string, names: Iterable<string>, warnings: string[]): Promise<Map<string, Record<string, unknown>>> {
  const out = new Map<string, Record<string, unknown>>();
  const info = await stat(sub).catch(() => undefined);
  if (!info) return out;
  if (!info.isDirectory()) {
    warnings.push(`found ${sub} that is not a directory, skipping`);
    return out;
  }
  // One listing instead of four stat calls per host: inventories can have thousands.
  const entries = new Set(await readdir(sub));
  for (const name of names) {
    if (!name || name === '.' || name === '..' || /[/\\\0]/.test(name)) continue;
    const hit = EXTENSIONS.map((ext) => name + ext).find((f) => entries.has(f));
    if (hit === undefined) continue;
    const vars: Record<string, unknown> = {};
    for (const file of await varsFiles(join(sub, hit))) assignOwn(vars, await readVarsFile(file));
    out.set(name, vars);
  }
  return out;
}

async function varsFiles(path: string): Promise<string[]> {
  const info = await stat(path);
  if (!info.isDirectory()) return [path];
  const found: string[] = [];
  for (const entry of (await readdir(path)).sort()) {
    if (entry.startsWith('.') || entry.endsWith('~')) continue;
    const full = join(path, entry);
    const s = await stat(full);
    if (s.isDirectory() && !entry.includes('.')) found.push(...(await varsFiles(full)));
    else if (s.isFile() && isVarsFileName(entry)) found.push(full);
  }
  return found;
}

async function readVarsFile(file: string): Promise<Record<string, unknown> | undefined> {
  const src = await loadYamlFile(file);
  const v = src.value;
  if (v === null || v === undefined) return undefined; // an empty file sets nothing
  if (typeof v === 'string' && v.startsWith('$ANSIBLE_VAULT')) {
    throw errorAt('vault-encrypted files are not supported; decrypt it (ansible-vault decrypt) or move the secret elsewhere', file, undefined);
  }
  if (typeof v !== 'object' || Array.isArray(v)) {
    throw errorAt(`a variables file must be a mapping of names to values, got ${Array.isArray(v) ? 'a list' : `a ${typeof v}`}`, file, undefined);
  }
  return v as Record<string, unknown>;
}
