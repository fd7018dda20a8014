// `hosts: service_nginx_webserver` or `--limit live` in a plain `run`: the dynamic groups exist
// only after discovery, so a run discovers first when, and only when, its patterns name one.
import type { Inventory } from '../inventory/types.js';
import { discoverNodes, type DiscoverOptions } from './discover.js';
import { addDynamicGroups } from './groups.js';

const DYNAMIC = /^(live|discovered|service_.*|arch_.*|label_.*)$/;

/** The names a host pattern refers to (`a:&b,!c[0]` → a, b, c); regexes and @files are not names. */
function patternNames(pattern: string): string[] {
  return pattern
    .split(/[:,]/)
    .map((p) => p.trim().replace(/^[&!]/, '').replace(/\[[^\]]*\]$/, ''))
    .filter((p) => p && !p.startsWith('~') && !p.startsWith('@') && !p.includes('{{'));
}

/** Whether any of the patterns names a dynamic group (live, service_*, arch_*, label_*, discovered). */
export function namesDynamicGroup(patterns: string[]): boolean {
  return patterns.flatMap(patternNames).some((n) => DYNAMIC.test(n));
}

/** The inventory with the dynamic groups when the patterns need them (or `true`: always); the same inventory otherwise. */
export async function withDynamicGroupsFor(inventory: Inventory, patterns: string[] | true, options: DiscoverOptions): Promise<Inventory> {
  if (patterns !== true && !namesDynamicGroup(patterns)) return inventory;
  return addDynamicGroups(inventory, await discoverNodes(inventory, options));
}
