import { resolve } from 'node:path';
import { InventoryBuilder } from './builder.js';
import { addSource } from './sources.js';
import type { Inventory, VarsDirLayer } from './types.js';
import { loadVarsDir } from './vars-dirs.js';

export interface LoadOptions {
  /** Directories of the playbooks to run: their group_vars/ and host_vars/ apply too. */
  playbookDirs?: string[];
}

export interface LoadedInventory {
  inventory: Inventory;
  /** The first inventory file or directory given (inventory_file for hosts it did not name). */
  file?: string;
  /** Things Ansible would warn about: empty files, skipped files, a group and host sharing a name. */
  warnings: string[];
}

/**
 * -i values, merged in order into one inventory as Ansible does (ungrouped/all decided after
 * the merge): INI or YAML files, directories of them, comma-separated host lists. Then the
 * group_vars/ and host_vars/ beside each source, and beside each playbook directory.
 */
export async function loadInventories(sources: string[], opts: LoadOptions = {}): Promise<LoadedInventory> {
  const b = new InventoryBuilder();
  let first: string | undefined;
  const varsDirs: string[] = [];
  for (const src of sources) {
    const parsed = await addSource(b, src);
    first ??= parsed.path;
    if (parsed.varsDir) varsDirs.push(parsed.varsDir);
  }
  const inventory = b.build();
  const warnings = b.warnings;
  const groups = [...inventory.groups.keys()];
  const hosts = [...inventory.hosts.keys()];
  // Each source's directory is read once; repeats keep their place in the order (Ansible's).
  const cache = new Map<string, Promise<VarsDirLayer>>();
  const layer = (kind: VarsDirLayer['kind'], dir: string) => {
    const key = `${kind}\0${dir}`;
    if (!cache.has(key)) cache.set(key, loadVarsDir(kind, dir, groups, hosts, warnings));
    return cache.get(key)!;
  };
  const layers: VarsDirLayer[] = [];
  for (const dir of varsDirs) layers.push(await layer('inventory', dir));
  for (const dir of new Set((opts.playbookDirs ?? []).map((d) => resolve(d)))) layers.push(await layer('playbook', dir));
  const withVars = layers.filter((l) => l.groups.size > 0 || l.hosts.size > 0);
  if (withVars.length > 0) inventory.varsDirs = withVars;
  return { inventory, file: first, warnings };
}
