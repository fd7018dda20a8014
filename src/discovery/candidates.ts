// The hosts to probe: every inventory host, plus the addresses of `oasis_discover` ranges.
//   [pis:vars]                      # or in YAML: vars: {oasis_discover: [192.168.1.0/28]}
//   oasis_discover=["192.168.1.0/28"]
//   ansible_user=pi
// A range address gets the connection vars of the group that declares it (and its parents).
import { resolveHostVars } from '../inventory/ini.js';
import type { Inventory } from '../inventory/types.js';
import { UserError } from '../model/source.js';
import { expandCidr, MAX_RANGE_ADDRESSES } from './cidr.js';
import type { Candidate } from './types.js';

export const DISCOVER_VAR = 'oasis_discover';
export const INLINE_VAR = 'oasis_metadata';
export const FILE_VAR = 'oasis_metadata_file';
export const DEFAULT_METADATA_FILE = '~/meta-data.json';

export function candidatesFrom(inventory: Inventory): Candidate[] {
  const out: Candidate[] = [];
  const taken = new Set<string>();
  for (const name of inventory.hosts.keys()) {
    const vars: Record<string, unknown> = resolveHostVars(inventory, name);
    const c = candidate(name, vars, { kind: 'inventory' });
    if (vars[INLINE_VAR] !== undefined) c.inline = vars[INLINE_VAR];
    taken.add(`${c.address}:${c.port}`);
    out.push(c);
  }
  let count = 0;
  for (const [group, ranges] of declaredRanges(inventory)) {
    for (const range of ranges) {
      let addresses: string[];
      try {
        addresses = expandCidr(range);
      } catch (e) {
        throw new UserError(`inventory group '${group}': ${DISCOVER_VAR}: ${(e as Error).message}`, undefined, 5);
      }
      count += addresses.length;
      if (count > MAX_RANGE_ADDRESSES) throw new UserError(`inventory: the ${DISCOVER_VAR} ranges have more than ${MAX_RANGE_ADDRESSES} addresses in all; narrow them`, undefined, 5);
      for (const address of addresses) {
        const c = candidate(address, { ...rangeHostVars(inventory, group, address), ansible_host: address }, { kind: 'range', group, range });
        if (taken.has(`${c.address}:${c.port}`)) continue; // an inventory host already covers it
        taken.add(`${c.address}:${c.port}`);
        out.push(c);
      }
    }
  }
  return out;
}

function candidate(name: string, vars: Record<string, unknown>, origin: Candidate['origin']): Candidate {
  return {
    name,
    address: String(vars.ansible_host ?? name),
    port: Number(vars.ansible_port ?? 22),
    vars: { ...vars, name },
    origin,
    metadataFile: typeof vars[FILE_VAR] === 'string' ? (vars[FILE_VAR] as string) : DEFAULT_METADATA_FILE,
  };
}

/** Groups that set `oasis_discover` themselves, with their ranges. */
function declaredRanges(inventory: Inventory): [string, string[]][] {
  const out: [string, string[]][] = [];
  for (const g of inventory.groups.values()) {
    let v = g.vars[DISCOVER_VAR];
    if (v === undefined || v === null) continue;
    if (typeof v === 'string') v = v.trim().startsWith('[') ? safeJson(v) : v.split(',');
    if (!Array.isArray(v) || !v.every((r) => typeof r === 'string')) {
      throw new UserError(`inventory group '${g.name}': ${DISCOVER_VAR} must be a list of IPv4 ranges, like ["192.168.1.0/24"]`, undefined, 5);
    }
    out.push([g.name, (v as string[]).map((r) => r.trim()).filter(Boolean)]);
  }
  return out;
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** The groups `group` is in: itself and every ancestor up to `all`. */
function withAncestors(inventory: Inventory, group: string): Set<string> {
  const parents = new Map<string, string[]>();
  for (const g of inventory.groups.values()) for (const c of g.children) parents.set(c, [...(parents.get(c) ?? []), g.name]);
  const out = new Set<string>(['all']);
  const visit = (g: string) => {
    if (out.has(g)) return;
    out.add(g);
    for (const p of parents.get(g) ?? []) visit(p);
  };
  visit(group);
  return out;
}

/** The variables of a range address: exactly those of a host listed in `group` (Ansible's precedence, group_vars/ and host_vars/ included). */
function rangeHostVars(inventory: Inventory, group: string, address: string): Record<string, unknown> {
  const host = { name: address, vars: {}, groups: withAncestors(inventory, group) };
  const vars = resolveHostVars({ ...inventory, hosts: new Map([[address, host]]) }, address);
  delete vars[DISCOVER_VAR];
  return vars;
}
