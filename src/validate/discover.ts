/**
 * What to validate: the paths given, or the project's playbooks/, roles/, inventory/ and
 * top-level playbooks. Files are classified by where they sit (roles/x/tasks, group_vars/,
 * inventory/, templates/, service.yml) and otherwise by their content when validated.
 */
import { closeSync, existsSync, openSync, readdirSync, readSync, realpathSync, statSync } from 'node:fs';
import { basename, dirname, extname, join, resolve, sep } from 'node:path';
import { isDir, isRoleDir } from './role-dir.js';
import { isVarsFileName } from '../inventory/vars-dirs.js';
import { isMapping } from './context.js';
import { BLOCK_KEYWORDS, TASK_KEYWORDS } from '../schema/keywords.js';
import { firstContentLine } from '../inventory/sources.js';
import { editDistance } from '../config/suggest.js';

export type Kind = 'playbook' | 'tasks' | 'handlers' | 'vars' | 'inventory' | 'service' | 'template' | 'role' | 'meta' | 'auto' | 'auto-playbook';

export interface Target {
  path: string;
  /** auto: decided by content; auto-playbook: validated only if it is a playbook. */
  kind: Kind;
}

const SKIP_DIRS = new Set(['node_modules', 'dist', 'files', '.git']);
const YAML = /\.(ya?ml|json)$/;
const TEMPLATE_EXT = /\.(hbs|j2|tmpl)$/;
const VARS_DIRS = new Set(['group_vars', 'host_vars', 'vars', 'defaults']);
const NOT_INVENTORY = /\.(md|txt|rst|orig|bak|swp|retry|pyc)$|~$/;

export function discover(paths: string[], cwd = process.cwd()): { targets: Target[]; missing: string[] } {
  const targets: Target[] = [];
  const missing: string[] = [];
  if (paths.length === 0) {
    for (const d of ['playbooks', 'roles', 'inventory']) if (isDir(join(cwd, d))) walkDir(join(cwd, d), targets, undefined);
    for (const f of safeList(cwd)) if (YAML.test(f) && !f.startsWith('.') && isFile(join(cwd, f))) targets.push({ path: join(cwd, f), kind: 'auto-playbook' });
    return { targets, missing };
  }
  for (const p of paths) {
    const abs = resolve(cwd, p);
    if (!existsSync(abs)) missing.push(p);
    else if (isDir(abs)) {
      // A role given by itself: a directory with tasks/, handlers/ or meta/ and no playbooks.
      const explicitRole = isRoleDir(abs) && !safeList(abs).some((f) => YAML.test(f));
      if (explicitRole) targets.push({ path: abs, kind: 'role' });
      else walkDir(abs, targets, undefined);
    } else targets.push({ path: abs, kind: classifyFile(abs) });
  }
  return { targets, missing };
}

/** `seen`: real paths of the directories being walked, so that a symbolic link loop ends. */
function walkDir(dir: string, out: Target[], hint: 'inventory' | 'vars' | undefined, seen = new Set<string>()): void {
  const real = realPath(dir);
  if (seen.has(real)) return;
  seen.add(real);
  try {
    walkEntries(dir, out, hint, seen);
  } finally {
    seen.delete(real);
  }
}

function walkEntries(dir: string, out: Target[], hint: 'inventory' | 'vars' | undefined, seen: Set<string>): void {
  const name = basename(dir);
  if (basename(dirname(dir)) === 'roles' && isRoleDir(dir)) {
    out.push({ path: dir, kind: 'role' });
    return;
  }
  const inventory = hint === 'inventory' || name === 'inventory' || name === 'inventories';
  const vars = hint === 'vars' || VARS_DIRS.has(name);
  for (const e of safeList(dir)) {
    if (e.startsWith('.') || SKIP_DIRS.has(e)) continue;
    const p = join(dir, e);
    if (isDir(p)) {
      walkDir(p, out, vars || VARS_DIRS.has(e) ? 'vars' : inventory ? 'inventory' : undefined, seen);
      continue;
    }
    if (vars) {
      if (isVarsFileName(e)) out.push({ path: p, kind: 'vars' });
    } else if (inventory) {
      if (!NOT_INVENTORY.test(e)) out.push({ path: p, kind: 'inventory' });
    } else {
      // Beside playbooks, only YAML, templates and .ini files mean something to us (not README,
      // Makefile), and files without extension that open with an INI [group] (Ansible's `hosts`).
      const kind = classifyFile(p);
      if (YAML.test(e) || kind === 'template' || e.endsWith('.ini') || (kind === 'inventory' && extname(e) === '' && opensWithIniGroup(p))) out.push({ path: p, kind });
    }
  }
}

/** By the directories around the file; `auto` when only its content can tell. */
export function classifyFile(file: string): Kind {
  const parts = dirname(file).split(sep);
  const parent = parts.at(-1) ?? '';
  const name = basename(file);
  if (parts.some((d) => d === 'group_vars' || d === 'host_vars') || parent === 'vars' || parent === 'defaults') return YAML.test(name) ? 'vars' : 'auto';
  if (parent === 'templates' || TEMPLATE_EXT.test(name)) return 'template';
  if (name === 'service.yml') return 'service';
  if (parent === 'tasks') return 'tasks';
  if (parent === 'handlers') return 'handlers';
  if (parent === 'meta' && /^main\.ya?ml$/.test(name)) return 'meta';
  if (parts.includes('inventory') || parts.includes('inventories') || name.endsWith('.ini') || extname(name) === '') return 'inventory';
  return 'auto';
}

/** A parsed YAML value's kind, for files that only their content can classify. */
export function classifyValue(value: unknown): 'playbook' | 'tasks' | 'inventory' | 'vars' {
  if (Array.isArray(value)) {
    const plays = value.some((e) => isMapping(e) && (IMPORTS.some((k) => Object.hasOwn(e, k)) || playKeys(e) > 0));
    return plays || value.length === 0 ? 'playbook' : 'tasks';
  }
  if (!isMapping(value)) return 'playbook';
  // `hosts: all` + `tasks:` without the `- `: a play that is not in a list, which run refuses.
  if (IMPORTS.some((k) => Object.hasOwn(value, k)) || playKeys(value) >= 2) return 'playbook';
  return looksLikeInventory(value) ? 'inventory' : 'vars';
}

/** What only a play has (no task or block), and import_playbook. */
const PLAY_MARKERS = ['hosts', 'tasks', 'roles', 'pre_tasks', 'post_tasks', 'handlers', 'vars_files', 'gather_facts'];
const IMPORTS = ['import_playbook', 'ansible.builtin.import_playbook'];
const NOT_PLAY = new Set([...Object.keys(TASK_KEYWORDS), ...Object.keys(BLOCK_KEYWORDS)]);

/** How many keys are play keywords or near misses of them (`host`, `task`), task keywords aside. */
function playKeys(m: Record<string, unknown>): number {
  return Object.keys(m).filter((k) => PLAY_MARKERS.includes(k) || (!NOT_PLAY.has(k) && isNearMiss(k, PLAY_MARKERS))).length;
}

/** One edit away from a candidate: a typo, not another word (`tags` is not `tasks`). */
function isNearMiss(word: string, candidates: string[]): boolean {
  const w = word.toLowerCase();
  return w.length >= 3 && candidates.some((c) => editDistance(w, c) === 1);
}

const SECTIONS = ['hosts', 'children', 'vars'];

/** Groups (or `all:`) holding hosts/children/vars, or near misses of them (`hostz:`), as mappings. */
function looksLikeInventory(v: Record<string, unknown>): boolean {
  if (Object.hasOwn(v, 'all') && (v['all'] === null || isMapping(v['all']))) return true;
  const groups = Object.values(v);
  if (groups.length === 0) return false;
  const isSection = (k: string, body: unknown) => SECTIONS.includes(k) || (isNearMiss(k, SECTIONS) && (body === null || isMapping(body)));
  const isGroup = (g: unknown) => g === null || (isMapping(g) && Object.keys(g).some((k) => isSection(k, g[k])));
  return groups.every(isGroup) && groups.some((g) => g !== null);
}

/** The first line that is not blank or a comment is a `[group]` header. */
function opensWithIniGroup(file: string): boolean {
  let head: string;
  try {
    const fd = openSync(file, 'r');
    try {
      const buf = Buffer.alloc(4096);
      head = buf.subarray(0, readSync(fd, buf, 0, buf.length, 0)).toString('utf8');
    } finally {
      closeSync(fd);
    }
  } catch {
    return false;
  }
  const first = firstContentLine(head);
  return first !== undefined && /^\s*\[[^\]\s]+\]\s*$/.test(first);
}

function realPath(dir: string): string {
  try {
    return realpathSync(dir);
  } catch {
    return dir;
  }
}

function safeList(dir: string): string[] {
  try {
    return readdirSync(dir).sort();
  } catch {
    return [];
  }
}

function isFile(p: string): boolean {
  try {
    return statSync(p).isFile();
  } catch {
    return false;
  }
}
