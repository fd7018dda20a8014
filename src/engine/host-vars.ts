import { basename, dirname } from 'node:path';
import type { Block, Task } from '../model/playbook.js';
import type { SourcePos } from '../model/source.js';
import type { Inventory } from '../inventory/types.js';
import { resolveHostVars } from '../inventory/precedence.js';
import { groupsDict } from '../inventory/groups.js';
import type { HostState, RunContext } from './context.js';
import type { Scope } from './scope.js';
import { mergeVars, type VarLayer } from './vars.js';

/**
 * The variables a task sees on a host, lowest precedence first (Ansible's order for the levels
 * we support): magic variables, role defaults, inventory (group then host), gathered facts, play vars,
 * vars_files, role vars and block vars (outer to inner), task vars, set_fact/registered/
 * include_vars, role parameters, extra vars, loop variables.
 */
export function taskVars(ctx: RunContext, host: HostState, scope: Scope, task: Task | undefined, loop: Record<string, unknown> = {}): Record<string, unknown> {
  const render = (v: unknown, vars: Record<string, unknown>, where?: SourcePos) => ctx.templates.renderDeep(v, vars, where);
  const roles = scope.chain.flatMap((level) => ((level as Partial<Block>).role ? [(level as Block).role!] : []));
  const [play, ...blocks] = scope.chain;
  const layers: VarLayer[] = [
    { values: magicVars(ctx, host.name, scope), plain: true },
    // Every role of the play shows its defaults and vars to the whole play; the task's own roles' win.
    { values: scope.play.roleVars.defaults },
    ...roles.map((r) => ({ values: r.defaults })),
    { values: resolveHostVars(ctx.inventory, host.name, { playbookDir: scope.play.dir }) },
    { values: host.gathered },
    { values: play!.vars, pos: scope.play.pos },
    { values: scope.varsFiles },
    { values: scope.play.roleVars.vars },
    // Blocks outer to inner; a role's block carries the role's vars/main.yml.
    ...blocks.map((level) => ({ values: level.vars, pos: (level as { pos?: SourcePos }).pos })),
  ];
  if (task) layers.push({ values: task.vars, pos: task.pos });
  layers.push({ values: host.includedVars }, { values: host.facts }, ...roles.map((r) => ({ values: r.params })), { values: ctx.options.extraVars }, { values: loop });
  return mergeVars(layers, render);
}

/** Inventory variables and facts of any host (hostvars[name]), without play or task layers. */
export function hostVars(ctx: RunContext, name: string): Record<string, unknown> {
  const state = ctx.hosts.get(name);
  return mergeVars(
    [
      { values: { inventory_hostname: name, ansible_host: name } },
      { values: resolveHostVars(ctx.inventory, name) },
      { values: state?.gathered ?? {} },
      { values: state?.includedVars ?? {} },
      { values: state?.facts ?? {} },
      { values: ctx.options.extraVars },
    ],
    (v, vars, where) => ctx.templates.renderDeep(v, vars, where),
  );
}

function magicVars(ctx: RunContext, host: string, scope: Scope): Record<string, unknown> {
  const inv = ctx.inventory;
  // The file that named the host (Ansible's per-host inventory_file), else the first -i.
  const inventoryFile = inv.hosts.get(host)?.source ?? ctx.inventoryFile;
  const groupNames = [...(inv.hosts.get(host)?.groups ?? [])].filter((g) => g !== 'all' && g !== 'ungrouped').sort();
  return {
    inventory_hostname: host,
    // Where the host is reached; the inventory's ansible_host overrides it.
    ansible_host: host,
    inventory_hostname_short: host.split('.')[0],
    inventory_dir: inventoryFile ? dirname(inventoryFile) : undefined,
    inventory_file: inventoryFile,
    groups: ctx.groups,
    group_names: groupNames,
    hostvars: ctx.hostvars,
    play_hosts: scope.batch,
    ansible_play_batch: scope.batch,
    ansible_play_hosts: scope.playHosts,
    ansible_play_hosts_all: scope.playHosts,
    ansible_play_name: scope.play.name,
    playbook_dir: scope.play.dir,
    ansible_check_mode: ctx.options.check,
    ansible_diff_mode: ctx.options.diff,
    ansible_verbosity: ctx.options.verbosity,
    ansible_version: { full: '2.14.0', major: 2, minor: 14, string: '2.14.0 (oasis-play)' },
    omit: ctx.omit,
    role_path: undefined,
    ansible_playbook_basename: basename(scope.play.pos.file),
  };
}

/** Every group's hosts including those of its child groups, in Ansible's order (groups magic var). */
export function groupMembers(inventory: Inventory): Record<string, string[]> {
  return groupsDict(inventory);
}
