import { UserError, type SourcePos } from '../model/source.js';
import { InventoryError, type Inventory, type InventoryGroup, type InventoryHost } from './types.js';
import { LocalError } from './errors.js';
import { setOwn } from './safe.js';

/**
 * Ansible's InventoryData: every source (INI, YAML, host list) adds to one builder in order,
 * then `build()` reconciles once, so `ungrouped` and `all` reflect the merged result.
 * Methods throw LocalError; parsers add the file position.
 */
/** No real group tree is this deep; a deeper one is generated or a mistake, and costly. */
const MAX_DEPTH = 100;
/** Hosts listed in groups, all groups together: bounds memory whatever ranges ask for. */
const MAX_MEMBERSHIPS = 1_000_000;

export class InventoryBuilder {
  private readonly hosts = new Map<string, InventoryHost>();
  private readonly groups = new Map<string, InventoryGroup>();
  /** Direct members of each group, to keep `hosts` free of duplicates without scanning it. */
  private readonly members = new Map<string, Set<string>>();
  private memberships = 0;
  /** Child links in the order they were made, with where, to report a loop at build time. */
  private readonly edges: { parent: string; child: string; where?: SourcePos }[] = [];
  readonly warnings: string[] = [];
  /** The file being parsed: recorded on hosts it names first. */
  source: string | undefined;

  constructor() {
    this.group('all');
    this.group('ungrouped');
    this.addChild('all', 'ungrouped');
  }

  hasGroup(name: string): boolean {
    return this.groups.has(name);
  }

  group(name: string): InventoryGroup {
    let g = this.groups.get(name);
    if (!g) {
      if (name === '') throw new LocalError('a group name cannot be empty');
      this.groups.set(name, (g = { name, hosts: [], children: [], vars: {} }));
    }
    return g;
  }

  /** Adds a host (once) and puts it in `group`; a port becomes `ansible_port`. */
  addHost(name: string, group: string, port?: number): InventoryHost {
    if (name === '') throw new LocalError('a host name cannot be empty');
    let h = this.hosts.get(name);
    if (!h) {
      this.hosts.set(name, (h = { name, vars: {}, groups: new Set() }));
      if (this.source !== undefined) h.source = this.source;
      // Only where the host is first named, as Ansible's Host() does; an explicit var wins later.
      if (port) setOwn(h.vars, 'ansible_port', port);
    }
    const g = this.group(group);
    const members = this.members.get(group) ?? new Set(g.hosts);
    this.members.set(group, members);
    if (!members.has(name)) {
      if (++this.memberships > MAX_MEMBERSHIPS) throw new LocalError(`more than ${MAX_MEMBERSHIPS} host entries in groups; inventories this large are refused`);
      members.add(name);
      g.hosts.push(name);
    }
    return h;
  }

  /**
   * Links a child group. Loops are found once, in build(): checking every link as it is made
   * costs a walk of the tree each time, which a large generated inventory cannot afford.
   */
  addChild(parent: string, child: string, where?: SourcePos): void {
    if (child === 'all') throw new LocalError(`group 'all' cannot be a child of '${parent}': every group is already under 'all'`);
    if (parent === child) throw new LocalError(`group '${child}' cannot be a child of itself`);
    const p = this.group(parent);
    this.group(child);
    if (p.children.includes(child)) return;
    p.children.push(child);
    this.edges.push({ parent, child, where });
  }

  setGroupVar(group: string, key: string, value: unknown): void {
    const g = this.group(group);
    if (key === 'ansible_group_priority') {
      // Ansible keeps the priority apart from the variables (int(value)).
      const n = typeof value === 'number' ? value : /^\s*[+-]?\d+\s*$/.test(String(value)) ? Number(value) : NaN;
      if (!Number.isInteger(n)) throw new LocalError(`ansible_group_priority must be a whole number, got '${String(value)}'`);
      g.priority = n;
      return;
    }
    setOwn(g.vars, key, value);
  }

  setHostVar(host: string, key: string, value: unknown): void {
    setOwn(this.hosts.get(host)!.vars, key, value);
  }

  /** The first link, in the order they were made, that closed a loop (Ansible refuses it there). */
  private loopError(): InventoryError {
    const children = new Map<string, string[]>();
    for (const e of this.edges) {
      // Is e.parent reachable from e.child through the links made so far?
      const stack = [e.child];
      const seen = new Set(stack);
      while (stack.length) {
        for (const c of children.get(stack.pop()!) ?? []) {
          if (c === e.parent) {
            const reason = `adding group '${e.child}' as a child of '${e.parent}' creates a loop`;
            return new InventoryError(reason, e.where?.file ?? '(inventory)', e.where?.line ?? 1, e.where?.col ?? 1);
          }
          if (seen.has(c)) continue;
          seen.add(c);
          stack.push(c);
        }
      }
      children.set(e.parent, [...(children.get(e.parent) ?? []), e.child]);
    }
    throw new Error('loopError called without a loop');
  }

  /** Ansible's reconcile_inventory: top groups under `all`, `ungrouped` fixed, group sets and depths. */
  build(): Inventory {
    const parents = parentsOf(this.groups);
    for (const g of this.groups.keys()) {
      if (g !== 'all' && !parents.has(g)) this.addChild('all', g);
    }
    const order = topologicalOrder(this.groups);
    if (!order) throw this.loopError();
    const depths = groupDepths(this.groups, order);
    for (const [name, d] of depths) {
      if (d > MAX_DEPTH) throw new UserError(`inventory: group '${name}' is nested ${d} levels deep under 'all'; group trees deeper than ${MAX_DEPTH} levels are refused`);
    }
    const ancestors = ancestorSets(this.groups, order);
    for (const h of this.hosts.values()) h.groups = new Set();
    for (const g of this.groups.values()) {
      for (const n of g.hosts) for (const a of ancestors.get(g.name)!) this.hosts.get(n)?.groups.add(a);
    }
    const ungrouped = this.group('ungrouped');
    const loose = new Set<string>();
    for (const h of this.hosts.values()) {
      const others = [...h.groups].some((g) => g !== 'all' && g !== 'ungrouped');
      if (others) h.groups.delete('ungrouped');
      else {
        loose.add(h.name);
        h.groups = new Set(['all', 'ungrouped']);
      }
    }
    // Listed under ungrouped (or all) and nowhere else; file order kept, late additions last.
    const listed = new Set(ungrouped.hosts);
    ungrouped.hosts = [...ungrouped.hosts.filter((n) => loose.has(n)), ...[...loose].filter((n) => !listed.has(n))];
    for (const g of this.groups.values()) g.depth = depths.get(g.name)!;
    for (const name of this.groups.keys()) {
      if (this.hosts.has(name)) this.warnings.push(`found both group and host with same name: ${name}`);
    }
    return { hosts: this.hosts, groups: this.groups };
  }
}

function parentsOf(groups: Map<string, InventoryGroup>): Map<string, string[]> {
  const parents = new Map<string, string[]>();
  for (const g of groups.values()) for (const c of g.children) parents.set(c, [...(parents.get(c) ?? []), g.name]);
  return parents;
}

/** Parents before children (Kahn's algorithm); undefined when the links have a loop. */
function topologicalOrder(groups: Map<string, InventoryGroup>): string[] | undefined {
  const indegree = new Map<string, number>([...groups.keys()].map((g) => [g, 0]));
  for (const g of groups.values()) for (const c of g.children) indegree.set(c, (indegree.get(c) ?? 0) + 1);
  const ready = [...indegree].filter(([, n]) => n === 0).map(([g]) => g);
  const order: string[] = [];
  while (ready.length) {
    const g = ready.pop()!;
    order.push(g);
    for (const c of groups.get(g)?.children ?? []) {
      const n = indegree.get(c)! - 1;
      indegree.set(c, n);
      if (n === 0) ready.push(c);
    }
  }
  return order.length === indegree.size ? order : undefined;
}

/** Each group with itself and every ancestor. */
function ancestorSets(groups: Map<string, InventoryGroup>, order: string[]): Map<string, Set<string>> {
  const out = new Map<string, Set<string>>();
  for (const g of order) out.set(g, new Set([g]));
  for (const g of order) for (const c of groups.get(g)?.children ?? []) for (const a of out.get(g)!) out.get(c)!.add(a);
  return out;
}

/**
 * Longest path from `all` (all = 0), as Ansible's Group.depth counts it. Without a
 * topological order (an Inventory built elsewhere), one is computed; a loop counts as 1.
 */
export function groupDepths(groups: Map<string, InventoryGroup>, order = topologicalOrder(groups)): Map<string, number> {
  const depth = new Map<string, number>();
  for (const g of order ?? groups.keys()) {
    if (!depth.has(g)) depth.set(g, g === 'all' ? 0 : 1);
    for (const c of groups.get(g)?.children ?? []) depth.set(c, Math.max(depth.get(c) ?? 1, depth.get(g)! + 1));
  }
  if (!order) for (const [g, d] of depth) depth.set(g, Math.min(d, groups.size));
  return depth;
}
