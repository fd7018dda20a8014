// `hosts: service_nginx_webserver` or `--limit live` in a plain `run`: the dynamic groups exist
// only after discovery, so a run discovers first when, and only when, its patterns name one.
import type { Inventory } from '../inventory/types.js';
import type { Item, Playbook } from '../model/playbook.js';
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

/** A variable whose whole value names such a group (`lb_backend_group: service_nginx_webserver`) will be read as one. */
const GROUP_VALUE = /^(service|arch|label)_\w+$/;

/**
 * Dynamic group names given as values of play vars, role parameters or role defaults: a
 * template will look them up in `groups`, so the run must discover even though no `hosts:`
 * names them (the load_balancer role's backends).
 */
export function dynamicGroupValues(playbooks: Playbook[]): string[] {
  const found = new Set<string>();
  const scan = (vars: Record<string, unknown>) => {
    for (const v of Object.values(vars)) if (typeof v === 'string' && GROUP_VALUE.test(v.trim())) found.add(v.trim());
  };
  const walk = (items: Item[]) => {
    for (const item of items) {
      if (item.kind !== 'block') continue;
      if (item.role) {
        scan(item.role.params);
        scan(item.role.defaults);
      }
      walk([...item.block, ...item.rescue, ...item.always]);
    }
  };
  for (const play of playbooks.flatMap((pb) => pb.plays)) {
    scan(play.vars);
    walk([...play.preTasks, ...play.tasks, ...play.postTasks]);
  }
  return [...found];
}
