import type { Inventory } from './types.js';
import { setOwn } from './safe.js';

/**
 * The groups under `group`, itself first, level by level (Ansible's get_descendants with
 * preserve_ordering). Ansible walks each level as a Python set, so the order of grandchildren
 * can vary between its runs; here it follows the children lists, which is one of those orders.
 */
export function descendants(inv: Inventory, group: string): string[] {
  const ordered = [group];
  const seen = new Set(ordered);
  let level = [group];
  while (level.length > 0) {
    const next: string[] = [];
    for (const g of level) {
      for (const c of inv.groups.get(g)?.children ?? []) {
        if (seen.has(c)) continue;
        seen.add(c);
        ordered.push(c);
        next.push(c);
      }
    }
    level = next;
  }
  return ordered;
}

/** A group's hosts, its own first, then those of its descendants (Ansible's Group.get_hosts). */
export function groupHosts(inv: Inventory, group: string): string[] {
  const out = new Set<string>();
  for (const g of descendants(inv, group)) for (const h of inv.groups.get(g)?.hosts ?? []) out.add(h);
  return [...out];
}

/** The `groups` magic variable: every group's hosts, children included. */
export function groupsDict(inv: Inventory): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const name of inv.groups.keys()) setOwn(out, name, groupHosts(inv, name));
  return out;
}
