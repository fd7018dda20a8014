import { resolve } from 'node:path';
import { groupHosts } from './groups.js';
import { resolveHostVars } from './precedence.js';
import { assignOwn, setOwn } from './safe.js';
import type { Inventory } from './types.js';

// ansible-inventory's output shapes (cli/inventory.py): --list, --host and --graph.

/** Magic variables ansible-inventory leaves out of its output (its INTERNAL_VARS). */
const INTERNAL_VARS = new Set([
  'ansible_diff_mode', 'ansible_config_file', 'ansible_facts', 'ansible_forks', 'ansible_inventory_sources', 'ansible_limit',
  'ansible_playbook_python', 'ansible_run_tags', 'ansible_skip_tags', 'ansible_verbosity', 'ansible_version', 'inventory_dir',
  'inventory_file', 'inventory_hostname', 'inventory_hostname_short', 'groups', 'group_names', 'omit', 'playbook_dir',
]);

export interface ExportOptions {
  /** --playbook-dir: that directory's group_vars/ and host_vars/ apply. */
  playbookDir?: string;
  /** --export: variables where they were defined (group vars under groups), not flattened per host. */
  export?: boolean;
}

function withoutInternal(vars: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(vars)) if (!INTERNAL_VARS.has(k)) setOwn(out, k, vars[k]);
  return out;
}

/** Layers of one kind, for --export: the inventory's own directories, then --playbook-dir's. */
function dirVars(inv: Inventory, kind: 'groups' | 'hosts', name: string, o: ExportOptions): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const pb = o.playbookDir === undefined ? undefined : resolve(o.playbookDir);
  for (const l of inv.varsDirs ?? []) if (l.kind === 'inventory') assignOwn(out, l[kind].get(name));
  for (const l of inv.varsDirs ?? []) if (l.kind === 'playbook' && l.dir === pb) assignOwn(out, l[kind].get(name));
  return out;
}

/** `--host NAME`: every inventory variable of the host, merged in precedence order. */
export function hostVariables(inv: Inventory, host: string, o: ExportOptions = {}): Record<string, unknown> {
  if (o.export) return withoutInternal(assignOwn(assignOwn({}, inv.hosts.get(host)?.vars), dirVars(inv, 'hosts', host, o)));
  return withoutInternal(resolveHostVars(inv, host, { playbookDir: o.playbookDir }));
}

function groupVariables(inv: Inventory, group: string, o: ExportOptions): Record<string, unknown> {
  const g = inv.groups.get(group)!;
  const out = assignOwn(assignOwn({}, g.vars), dirVars(inv, 'groups', group, o));
  if (g.priority !== undefined && g.priority !== 1) setOwn(out, 'ansible_group_priority', g.priority);
  return withoutInternal(out);
}

/** `--list`: groups with their direct hosts and children (empty keys and groups left out), and _meta.hostvars. */
export function inventoryList(inv: Inventory, o: ExportOptions = {}): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const seen = new Set<string>();
  const format = (name: string): void => {
    const g = inv.groups.get(name)!;
    const entry: Record<string, unknown> = {};
    if (name !== 'all' && g.hosts.length) entry.hosts = [...g.hosts];
    if (g.children.length) entry.children = [...g.children];
    if (o.export) {
      const vars = groupVariables(inv, name, o);
      if (Object.keys(vars).length) entry.vars = vars;
    }
    if (Object.keys(entry).length) setOwn(out, name, entry);
    for (const c of g.children) {
      if (seen.has(c)) continue;
      seen.add(c);
      format(c);
    }
  };
  format('all');
  const hostvars: Record<string, unknown> = {};
  for (const h of groupHosts(inv, 'all')) {
    const vars = hostVariables(inv, h, o);
    if (Object.keys(vars).length) setOwn(hostvars, h, vars);
  }
  setOwn(out, '_meta', { hostvars });
  return out;
}

/** `--graph [GROUP]`: `@all:`, then `  |--@web:`, `  |  |--node1`, children before hosts. */
export function inventoryGraph(inv: Inventory, group = 'all'): string {
  const lines: string[] = [];
  const name = (text: string, depth: number) => (depth ? '  |'.repeat(depth) + '--' + text : text);
  const walk = (g: string, depth: number, path: string[]): void => {
    lines.push(name(`@${g}:`, depth));
    if (path.includes(g)) return; // loops are refused when parsing; never recurse forever
    const grp = inv.groups.get(g)!;
    for (const c of grp.children) walk(c, depth + 1, [...path, g]);
    if (g !== 'all') for (const h of grp.hosts) lines.push(name(h, depth + 1));
  };
  walk(group, 0, []);
  return lines.join('\n');
}

/** json.dumps(sort_keys=True, indent=4, ensure_ascii=False), as ansible-inventory prints. */
export function ansibleJson(value: unknown): string {
  const sortDeep = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(sortDeep);
    if (typeof v !== 'object' || v === null) return v;
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(v).sort()) setOwn(out, k, sortDeep((v as Record<string, unknown>)[k]));
    return out;
  };
  return JSON.stringify(sortDeep(value), null, 4);
}
