// `hosts: service_nginx_webserver` or `--limit live` in a plain `run`: the dynamic groups exist
// only after discovery, so a run discovers first when, and only when, its patterns name one.
import { readFileSync } from 'node:fs';
import type { Inventory } from '../inventory/types.js';
import type { Item, Playbook } from '../model/playbook.js';
import { discoverNodes, type DiscoverOptions } from './discover.js';
import { addDynamicGroups } from './groups.js';

const DYNAMIC = /^(live|discovered|service_.*|arch_.*|label_.*)$/;

/** Names like those of the dynamic groups, for `~regex` terms: a regex matching one may mean one. */
const DYNAMIC_EXAMPLES = ['live', 'discovered', 'service_x', 'arch_x', 'label_x_y'];

/** Whether one term (`&b`, `!c[0]`, `~regex`, `@file`) may refer to a dynamic group. */
function termNamesDynamic(term: string, depth: number): boolean {
  const t = term.replace(/^[&!]/, '');
  if (t.startsWith('~')) {
    try {
      const re = new RegExp(t.slice(1));
      return DYNAMIC_EXAMPLES.some((n) => re.test(n));
    } catch {
      return false;
    }
  }
  if (t.startsWith('@')) {
    // A --limit file: its lines are patterns. An unreadable one is reported by the limit itself.
    if (depth > 0) return false;
    try {
      return readFileSync(t.slice(1), 'utf8').split('\n').some((line) => patternNamesDynamic(line, depth + 1));
    } catch {
      return false;
    }
  }
  return DYNAMIC.test(t.replace(/\[[^\]]*\]$/, ''));
}

function patternNamesDynamic(pattern: string, depth: number): boolean {
  return pattern
    .split(/[:,\s]+/)
    .map((p) => p.trim())
    .filter((p) => p && !p.includes('{{'))
    .some((p) => termNamesDynamic(p, depth));
}

/** Whether any of the patterns may name a dynamic group (live, service_*, arch_*, label_*, discovered), also through ~regex or @file. */
export function namesDynamicGroup(patterns: string[]): boolean {
  return patterns.some((p) => patternNamesDynamic(p, 0));
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
