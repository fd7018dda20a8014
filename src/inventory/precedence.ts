import { resolve } from 'node:path';
import { groupDepths } from './builder.js';
import { assignOwn } from './safe.js';
import type { Inventory, InventoryGroup, VarsDirLayer } from './types.js';

/**
 * A host's groups other than `all`, in Ansible's sort_groups order: by depth (parents before
 * children), then ansible_group_priority, then name. Later groups' variables win.
 */
export function sortedGroupsOf(inv: Inventory, host: string): InventoryGroup[] {
  const h = inv.hosts.get(host);
  if (!h) return [];
  const needDepth = [...inv.groups.values()].some((g) => g.depth === undefined);
  const depths = needDepth ? groupDepths(inv.groups) : undefined;
  const depth = (g: InventoryGroup) => g.depth ?? depths!.get(g.name) ?? 1;
  return [...h.groups]
    .filter((n) => n !== 'all')
    .map((n) => inv.groups.get(n))
    .filter((g): g is InventoryGroup => g !== undefined)
    .sort((a, b) => depth(a) - depth(b) || (a.priority ?? 1) - (b.priority ?? 1) || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

export interface ResolveOptions {
  /**
   * The directory of the playbook being run: only its group_vars/host_vars apply, as in
   * Ansible. Without it, every playbook directory loaded applies, in load order.
   */
  playbookDir?: string;
}

/**
 * The inventory variables of one host, lowest precedence first (Ansible's
 * VARIABLE_PRECEDENCE default, then host variables):
 *  1. inventory file: group `all`, then the other groups (sortedGroupsOf order)
 *  2. inventory group_vars/all, then playbook group_vars/all
 *  3. inventory group_vars/GROUP, then playbook group_vars/GROUP (each source: every group)
 *  4. inventory file host vars, inventory host_vars/HOST, playbook host_vars/HOST
 * Later values replace earlier ones (no deep merge, as Ansible's default hash_behaviour).
 */
export function resolveHostVars(inv: Inventory, host: string, opts: ResolveOptions = {}): Record<string, unknown> {
  const h = inv.hosts.get(host);
  if (!h) return {};
  const groups = sortedGroupsOf(inv, host).map((g) => g.name);
  const layers = inv.varsDirs ?? [];
  const wanted = opts.playbookDir === undefined ? undefined : resolve(opts.playbookDir);
  const inventoryDirs = layers.filter((l) => l.kind === 'inventory');
  const playbookDirs = layers.filter((l) => l.kind === 'playbook' && (wanted === undefined || l.dir === wanted));
  const fromDirs = (dirs: VarsDirLayer[], kind: 'groups' | 'hosts', names: string[]) => {
    for (const l of dirs) for (const n of names) assignOwn(out, l[kind].get(n));
  };

  const out: Record<string, unknown> = {};
  assignOwn(out, inv.groups.get('all')?.vars);
  for (const g of groups) assignOwn(out, inv.groups.get(g)!.vars);
  fromDirs(inventoryDirs, 'groups', ['all']);
  fromDirs(playbookDirs, 'groups', ['all']);
  fromDirs(inventoryDirs, 'groups', groups);
  fromDirs(playbookDirs, 'groups', groups);
  assignOwn(out, h.vars);
  fromDirs(inventoryDirs, 'hosts', [host]);
  fromDirs(playbookDirs, 'hosts', [host]);
  return out;
}
