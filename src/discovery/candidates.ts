// The hosts to probe: every inventory host, plus the addresses of the ranges groups declare:
//   [pis:vars]                      # YAML: pis: {discover: [192.168.1.0/28], vars: {...}}
//   oasis_discover=["192.168.1.0/28"]
//   ansible_user=pi
// A range address gets the connection vars of the group that declares it (and its parents).
// The oasis_* variables are checked here, before any connection: a bad one is the
// inventory's mistake (exit 5, at its position when a YAML file set it), not a node down.
import { metadataFileProblem } from '../agent/service-script.js';
import { resolveHostVars } from '../inventory/ini.js';
import type { Inventory, InventoryGroup } from '../inventory/types.js';
import { UserError, type SourcePos } from '../model/source.js';
import { expandCidr, MAX_RANGE_ADDRESSES } from './cidr.js';
import { inlineMetadata, inlineMetadataFault } from './evaluate.js';
import type { Candidate } from './types.js';
import { varOrigin, withFile } from './var-position.js';

export const DISCOVER_VAR = 'oasis_discover';
export const INLINE_VAR = 'oasis_metadata';
export const FILE_VAR = 'oasis_metadata_file';
export const DEFAULT_METADATA_FILE = '~/meta-data.json';

const badInput = (message: string, pos: SourcePos | undefined) => new UserError(message, pos, 5);

export function candidatesFrom(inventory: Inventory): Candidate[] {
  const out: Candidate[] = [];
  const taken = new Set<string>();
  for (const name of inventory.hosts.keys()) {
    const vars: Record<string, unknown> = resolveHostVars(inventory, name);
    const c = candidate(inventory, name, vars, { kind: 'inventory' });
    if (vars[INLINE_VAR] !== undefined) c.inline = checkedInline(inventory, name, vars[INLINE_VAR]);
    taken.add(`${c.address}:${c.port}`);
    out.push(c);
  }
  let count = 0;
  for (const { group, ranges, key } of declaredRanges(inventory)) {
    for (const { range, at } of ranges) {
      let addresses: string[];
      try {
        addresses = expandCidr(range);
      } catch (e) {
        throw badInput(`inventory group '${group}': ${key}: ${(e as Error).message}`, at);
      }
      count += addresses.length;
      if (count > MAX_RANGE_ADDRESSES) throw badInput(`inventory: the discover ranges have more than ${MAX_RANGE_ADDRESSES} addresses in all (this one reaches ${count}); narrow them`, at);
      for (const address of addresses) {
        const { inventory: one, vars } = rangeHost(inventory, group, address);
        const c = candidate(one, address, { ...vars, ansible_host: address }, { kind: 'range', group, range });
        if (taken.has(`${c.address}:${c.port}`)) continue; // an inventory host already covers it
        taken.add(`${c.address}:${c.port}`);
        out.push(c);
      }
    }
  }
  return out;
}

function candidate(inventory: Inventory, name: string, vars: Record<string, unknown>, origin: Candidate['origin']): Candidate {
  const file = vars[FILE_VAR] ?? DEFAULT_METADATA_FILE;
  const problem = metadataFileProblem(file);
  if (problem) {
    const where = varOrigin(inventory, name, FILE_VAR, vars[FILE_VAR]);
    throw badInput(withFile(`inventory host '${name}': ${FILE_VAR}: ${problem}`, where), where.pos);
  }
  return {
    name,
    address: String(vars.ansible_host ?? name),
    port: Number(vars.ansible_port ?? 22),
    vars: { ...vars, name },
    origin,
    metadataFile: file as string,
  };
}

/** A mock host's `oasis_metadata`, refused here when it is not valid node metadata. */
function checkedInline(inventory: Inventory, name: string, value: unknown): unknown {
  const checked = inlineMetadata(value);
  if (checked.problems.length === 0) return value;
  const where = varOrigin(inventory, name, INLINE_VAR, value);
  throw badInput(withFile(`inventory host '${name}': ${INLINE_VAR} ${inlineMetadataFault(checked)}`, where), where.pos);
}

interface DeclaredRanges {
  group: string;
  /** How the inventory spelled it, for messages: `discover` (YAML key) or `oasis_discover` (variable). */
  key: string;
  ranges: { range: string; at?: SourcePos }[];
}

/** Groups that declare ranges themselves: `discover:` (YAML) or the `oasis_discover` variable. */
function declaredRanges(inventory: Inventory): DeclaredRanges[] {
  const out: DeclaredRanges[] = [];
  for (const g of inventory.groups.values()) {
    if (g.discover?.length) out.push({ group: g.name, key: 'discover', ranges: g.discover });
    const fromVar = rangesVariable(g);
    if (fromVar) out.push(fromVar);
  }
  return out;
}

/** `oasis_discover`: a list, or (INI) a JSON list or comma-separated text. */
function rangesVariable(g: InventoryGroup): DeclaredRanges | undefined {
  let v = g.vars[DISCOVER_VAR];
  if (v === undefined || v === null) return undefined;
  const at = g.varPositions?.get(DISCOVER_VAR);
  if (typeof v === 'string') v = v.trim().startsWith('[') ? safeJson(v) : v.split(',');
  if (!Array.isArray(v) || !v.every((r) => typeof r === 'string')) {
    throw badInput(`inventory group '${g.name}': ${DISCOVER_VAR} must be a list of IPv4 ranges, like ["192.168.1.0/24"]`, at);
  }
  const ranges = (v as string[]).map((r) => r.trim()).filter(Boolean);
  return { group: g.name, key: DISCOVER_VAR, ranges: ranges.map((range) => ({ range, ...(at && { at }) })) };
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

/**
 * A range address as a host listed in `group`: its variables are exactly those such a host
 * would have (Ansible's precedence, group_vars/ and host_vars/ included), and the one-host
 * inventory it was resolved in tells where they were set.
 */
function rangeHost(inventory: Inventory, group: string, address: string): { inventory: Inventory; vars: Record<string, unknown> } {
  const host = { name: address, vars: {}, groups: withAncestors(inventory, group) };
  const one = { ...inventory, hosts: new Map([[address, host]]) };
  const vars = resolveHostVars(one, address);
  delete vars[DISCOVER_VAR];
  return { inventory: one, vars };
}
