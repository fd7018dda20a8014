/** A parsed inventory: plain data, whatever the file format was. */

export interface InventoryHost {
  name: string;
  /** Variables set on the host itself (inline `k=v` on a host line, `ansible_port` from `name:port`). */
  vars: Record<string, unknown>;
  /** Every group the host belongs to, directly or through `:children`, including `all`. */
  groups: Set<string>;
}

export interface InventoryGroup {
  name: string;
  /** Hosts listed directly under the group, in file order (not those of child groups). */
  hosts: string[];
  /** Direct child groups. `all` has every group without another parent, `ungrouped` first. */
  children: string[];
  vars: Record<string, unknown>;
}

export interface Inventory {
  /** Insertion order is file order. */
  hosts: Map<string, InventoryHost>;
  /** Always contains `all` and `ungrouped` (hosts in no group other than `all`). */
  groups: Map<string, InventoryGroup>;
}

/** A malformed inventory; the message reads `FILE:LINE:COL: reason`. */
export class InventoryError extends Error {
  constructor(
    readonly reason: string,
    readonly file: string,
    readonly line: number,
    readonly col: number,
  ) {
    super(`${file}:${line}:${col}: ${reason}`);
    this.name = 'InventoryError';
  }
}
