/**
 * The variables a playbook defines (plays, vars files, roles, set_fact, register, loops) and the
 * ones it reads; at the end, names read but never defined. One scope per top-level playbook:
 * facts outlive plays, so a union is the safe approximation.
 */
import type { SourcePos } from '../model/source.js';
import { didYouMean } from '../config/suggest.js';
import type { Problems } from './problems.js';
import type { Refs } from './names.js';

/** Variables the engine provides (src/engine/host-vars.ts) and those Ansible users expect. */
const MAGIC = [
  'inventory_hostname', 'inventory_hostname_short', 'inventory_dir', 'inventory_file', 'groups', 'group_names', 'hostvars',
  'play_hosts', 'playbook_dir', 'omit', 'role_path', 'role_name', 'environment', 'item', 'ansible_loop_var',
];

interface Usage {
  name: string;
  pos: SourcePos;
  /** Under a `when`: the task may never run where the name is missing. */
  conditional: boolean;
}

export interface KnownSources {
  /** Every variable the inventory (any host or group, group_vars, host_vars) and -e define. */
  names: Set<string>;
}

export class VarScope {
  private readonly defined = new Set<string>(MAGIC);
  private readonly usages: Usage[] = [];
  /** Why names cannot be known (a templated include, vars file or role): no report then. */
  dynamic?: string;

  define(name: string): void {
    this.defined.add(name);
  }

  defineAll(values: unknown): void {
    if (typeof values === 'object' && values !== null && !Array.isArray(values)) for (const k of Object.keys(values)) this.defined.add(k);
  }

  use(refs: Refs, pos: SourcePos, conditional: boolean, guarded: ReadonlySet<string>): void {
    for (const name of refs.used) {
      if (!refs.guarded.has(name) && !guarded.has(name)) this.usages.push({ name, pos, conditional });
    }
  }

  /**
   * Without the inventory and -e, a missing name is a warning (they may define it). With them,
   * it is an error unless a condition may keep the task from running.
   */
  report(out: Problems, known?: KnownSources): void {
    if (this.dynamic) return;
    for (const u of this.usages) {
      if (this.defined.has(u.name) || u.name.startsWith('ansible_') || known?.names.has(u.name)) continue;
      const hint = didYouMean(u.name, [...this.defined, ...(known?.names ?? [])]);
      if (!known) out.warning(u.pos, `'${u.name}' is not defined by the playbook, its roles or vars files: it must come from the inventory or -e${hint}`);
      else if (u.conditional) out.warning(u.pos, `'${u.name}' is not defined by the playbook, its roles, vars files, the inventory or -e${hint}`);
      else out.error(u.pos, `undefined variable '${u.name}': not defined by the playbook, its roles, vars files, the inventory or -e${hint}`);
    }
  }
}
