// Dynamic groups from discovery, for `hosts:` and `--limit`: live, service_<name>, arch_<arch>,
// label_<key>_<value>. Reachable nodes (live or stale) count for the service/arch/label
// groups: their metadata is still what is installed; only `live` needs a fresh agent or /proc.
import type { Inventory, InventoryGroup, InventoryHost } from '../inventory/types.js';
import type { NodeStatus } from './types.js';
import { nodeVars } from './node-vars.js';

/** Group names are letters, digits and `_`, as Ansible wants them. */
export const groupSafe = (s: string) => s.replace(/[^A-Za-z0-9_]/g, '_');

/** The dynamic groups one node belongs to. */
export function dynamicGroupsOf(n: NodeStatus): string[] {
  if (n.state === 'down') return [];
  const out = n.state === 'live' ? ['live'] : [];
  for (const s of n.services) out.push(`service_${groupSafe(s)}`);
  if (n.arch) out.push(`arch_${groupSafe(n.arch)}`);
  for (const [k, v] of Object.entries(n.labels)) out.push(`label_${groupSafe(k)}_${groupSafe(v)}`);
  return out;
}

function copyInventory(inv: Inventory): Inventory {
  const hosts = new Map<string, InventoryHost>();
  for (const [k, h] of inv.hosts) hosts.set(k, { ...h, vars: { ...h.vars }, groups: new Set(h.groups) });
  const groups = new Map<string, InventoryGroup>();
  for (const [k, g] of inv.groups) groups.set(k, { ...g, hosts: [...g.hosts], children: [...g.children], vars: { ...g.vars } });
  return { ...inv, hosts, groups };
}

function ancestorsOf(inv: Inventory, group: string): string[] {
  const out = new Set<string>(['all']);
  const visit = (g: string) => {
    if (out.has(g)) return;
    out.add(g);
    for (const p of inv.groups.values()) if (p.children.includes(g)) visit(p.name);
  };
  visit(group);
  return [...out];
}

function ensureGroup(inv: Inventory, name: string): InventoryGroup {
  let g = inv.groups.get(name);
  if (!g) {
    g = { name, hosts: [], children: [], vars: {}, depth: 1 };
    inv.groups.set(name, g);
    inv.groups.get('all')?.children.push(name);
  }
  return g;
}

function join(inv: Inventory, host: string, group: string): void {
  const g = ensureGroup(inv, group);
  if (!g.hosts.includes(host)) g.hosts.push(host);
  for (const a of ancestorsOf(inv, group)) inv.hosts.get(host)?.groups.add(a);
}

/**
 * A new Inventory with the dynamic groups added (the input is not changed), and each node's
 * discovered state as host variables (node-vars.ts). Reachable nodes
 * found in an `oasis_discover` range become hosts (named by address) of the group that
 * declared the range and of `discovered`. A dynamic group named like an existing group adds
 * its hosts to it.
 */
export function addDynamicGroups(inventory: Inventory, nodes: NodeStatus[]): Inventory {
  const inv = copyInventory(inventory);
  // Inventory order (as Ansible lists group members), then range hosts as found.
  const order = [...inventory.hosts.keys()];
  const rank = (n: NodeStatus) => (inventory.hosts.has(n.name) ? order.indexOf(n.name) : order.length);
  for (const n of [...nodes].sort((a, b) => rank(a) - rank(b))) {
    if (n.origin.kind === 'range' && n.state !== 'down' && !inv.hosts.has(n.name)) {
      inv.hosts.set(n.name, { name: n.name, vars: { ansible_host: n.address, ...(n.port !== 22 && { ansible_port: n.port }) }, groups: new Set(['all']) });
      join(inv, n.name, n.origin.group);
      join(inv, n.name, 'discovered');
    }
    const host = inv.hosts.get(n.name);
    if (!host) continue;
    Object.assign(host.vars, nodeVars(n, host.vars));
    for (const g of dynamicGroupsOf(n)) join(inv, n.name, g);
  }
  return inv;
}
