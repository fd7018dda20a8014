import { UserError, type SourcePos } from '../model/source.js';

/** A parsed inventory: plain data, whatever the file format was. */

export interface InventoryHost {
  name: string;
  /** Variables set on the host itself (inline `k=v` on a host line, `ansible_port` from `name:port`). */
  vars: Record<string, unknown>;
  /** Every group the host belongs to, directly or through `:children`, including `all`. */
  groups: Set<string>;
  /** The inventory file that first named the host (Ansible's `inventory_file`). */
  source?: string;
  /** Where each variable set here was written (YAML inventories), for errors about its value. */
  varPositions?: Map<string, SourcePos>;
}

export interface InventoryGroup {
  name: string;
  /** Hosts listed directly under the group, in file order (not those of child groups). */
  hosts: string[];
  /** Direct child groups. `all` has every group without another parent, `ungrouped` first. */
  children: string[];
  vars: Record<string, unknown>;
  /** Longest path from `all` (all = 0): deeper groups' variables win. Computed when absent. */
  depth?: number;
  /** `ansible_group_priority` (default 1): among groups of the same depth, higher wins. */
  priority?: number;
  /** Where each variable set here was written (YAML inventories), for errors about its value. */
  varPositions?: Map<string, SourcePos>;
  /** `discover:` of a YAML inventory: IPv4 ranges probed as hosts of this group, with where each was written. */
  discover?: { range: string; at?: SourcePos }[];
}

/**
 * Variables read from a `group_vars/` and `host_vars/` pair beside an inventory source or a
 * playbook. Only names of the inventory's groups and hosts are looked up.
 */
export interface VarsDirLayer {
  kind: 'inventory' | 'playbook';
  /** Absolute directory holding group_vars/ and host_vars/. */
  dir: string;
  groups: Map<string, Record<string, unknown>>;
  hosts: Map<string, Record<string, unknown>>;
}

export interface Inventory {
  /** Insertion order is file order. */
  hosts: Map<string, InventoryHost>;
  /** Always contains `all` and `ungrouped` (hosts in no group other than `all`). */
  groups: Map<string, InventoryGroup>;
  /** group_vars/host_vars layers in load order: inventory sources first, then playbook dirs. */
  varsDirs?: VarsDirLayer[];
}

/** A malformed inventory; the message reads `FILE:LINE:COL: reason`. */
export class InventoryError extends UserError {
  constructor(
    readonly reason: string,
    readonly file: string,
    readonly line: number,
    readonly col: number,
  ) {
    super(reason, { file, line, col });
    this.name = 'InventoryError';
  }
}

/** Several problems in one inventory file, all reported at once; reads as the first for callers that take one. */
export class InventoryErrors extends InventoryError {
  constructor(readonly all: InventoryError[]) {
    const first = all[0]!;
    super(first.reason, first.file, first.line, first.col);
    this.message = all.map((e) => e.message).join('\n');
  }
}
