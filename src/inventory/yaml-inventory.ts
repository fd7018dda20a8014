import { parseYaml, posOf, type YamlFile } from '../config/yaml.js';
import { didYouMean } from '../config/suggest.js';
import type { SourcePos } from '../model/source.js';
import { InventoryBuilder } from './builder.js';
import { errorAt, LocalError } from './errors.js';
import { expandHostRange, splitHostPort } from './ranges.js';
import { hasOwn } from './safe.js';
import type { Inventory, InventoryGroup, InventoryHost } from './types.js';

const SECTIONS = ['hosts', 'children', 'vars', 'discover'];
const MAX_DEPTH = 100;

const isMapping = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function kindOf(v: unknown): string {
  if (Array.isArray(v)) return 'a list';
  if (v === null || v === undefined) return 'empty';
  if (typeof v === 'string') return `the string '${v.length > 40 ? v.slice(0, 40) + '…' : v}'`;
  return `a ${typeof v} (${JSON.stringify(v)})`;
}

/** Parse one YAML inventory on its own (text or bytes). Errors name `file:line:col`. */
export function parseYamlInventory(text: string | Buffer, file: string): Inventory {
  const b = new InventoryBuilder();
  b.source = file;
  parseYamlInto(b, parseYaml(text, file), file);
  return b.build();
}

/** Remembers where a variable was written: discovery reports a bad `oasis_*` value there. */
function notePosition(target: InventoryHost | InventoryGroup, key: string, pos: SourcePos | undefined): void {
  if (pos) (target.varPositions ??= new Map()).set(key, pos);
}

/**
 * Adds a YAML inventory (Ansible's yaml plugin) to `b`: top-level keys are groups; a group is
 * empty or a mapping of `hosts` (name → null or a mapping of variables; names may be
 * `name:port` and ranges `web[01:20]`), `children` (name → group), `vars`, and oasis-play's
 * `discover` (IPv4 ranges probed as hosts of the group, see docs/nodes.md). Where Ansible
 * only warns and skips (unknown keys, a group that is not a mapping) or silently reads a
 * string as one name (`hosts: web1`), this refuses with the position: those are typos.
 */
export function parseYamlInto(b: InventoryBuilder, src: YamlFile, file: string): void {
  const data = src.value;
  const fail = (reason: string, pos: SourcePos | undefined): never => {
    throw errorAt(reason, file, pos);
  };
  if (data === null || data === undefined) {
    b.warnings.push(`${file}: empty inventory`);
    return;
  }
  if (!isMapping(data)) {
    fail(`a YAML inventory is a mapping of group names (all:, web:, …), got ${kindOf(data)}`, posOf(src, data));
  }
  const top = data as Record<string, unknown>;
  if (hasOwn(top, 'plugin')) fail('inventory plugin configurations (plugin:) are not supported; list groups and hosts instead', posOf(src, top, 'plugin'));

  const group = (name: string, value: unknown, pos: SourcePos | undefined, path: string, depth = 0): void => {
    // A recursive YAML alias would nest forever; no real tree is this deep.
    if (depth > MAX_DEPTH) fail(`groups nested more than ${MAX_DEPTH} levels deep (${path.split(' > ').slice(0, 3).join(' > ')} > …); is an alias including itself?`, pos);
    if (value !== null && !isMapping(value)) {
      const where = path === name ? '' : ` (${path})`;
      fail(`group '${name}'${where} must be empty or a mapping with hosts, children or vars, got ${kindOf(value)}`, pos);
    }
    wrap(() => b.group(name), pos);
    if (value === null) return;
    const g = value as Record<string, unknown>;
    for (const key of Object.keys(g)) {
      if (!SECTIONS.includes(key)) {
        fail(`unknown key '${key}' in group '${name}'${didYouMean(key, SECTIONS)} (a group has hosts, children and vars)`, posOf(src, g, key));
      }
      const section = g[key];
      if (section === null) continue;
      if (key === 'discover') {
        discover(name, section, posOf(src, g, key));
        continue;
      }
      if (!isMapping(section)) {
        const shape = key === 'vars' ? 'of names to values' : `with one key per ${key === 'hosts' ? 'host' : 'group'} ('${typeof section === 'string' ? section : 'name'}:' on its own line, indented under ${key}:)`;
        fail(`'${key}' of group '${name}' must be a mapping ${shape}, got ${kindOf(section)}`, posOf(src, g, key));
      }
    }
    // Sections in file order, as Ansible walks them: it decides the order of hosts and children.
    for (const key of Object.keys(g)) {
      if (key === 'discover') continue;
      const section = (g[key] ?? {}) as Record<string, unknown>;
      for (const k of Object.keys(section)) {
        const at = posOf(src, section, k);
        if (key === 'vars') {
          wrap(() => b.setGroupVar(name, k, section[k]), at);
          notePosition(b.group(name), k, at);
        } else if (key === 'hosts') host(name, k, section[k], at);
        else {
          group(k, section[k], at, `${path} > ${k}`, depth + 1);
          wrap(() => b.addChild(name, k, at), at);
        }
      }
    }
  };

  const host = (groupName: string, pattern: string, value: unknown, pos: SourcePos | undefined): void => {
    if (value !== null && !isMapping(value)) {
      fail(`host '${pattern}' in group '${groupName}' must be empty or a mapping of variables, got ${kindOf(value)}`, pos);
    }
    const names = wrap(() => {
      const { pattern: p, port } = splitHostPort(pattern);
      return { names: expandHostRange(p), port };
    }, pos);
    const vars = (value ?? {}) as Record<string, unknown>;
    for (const n of names.names) {
      const h = wrap(() => b.addHost(n, groupName, names.port), pos);
      for (const k of Object.keys(vars)) {
        b.setHostVar(n, k, vars[k]);
        notePosition(h, k, posOf(src, vars, k));
      }
    }
  };

  /** `discover: [192.168.1.0/28, 10.0.0.7]`: the ranges are checked by discovery, at these positions. */
  const discover = (groupName: string, value: unknown, pos: SourcePos | undefined): void => {
    if (!Array.isArray(value) || !value.every((r) => typeof r === 'string')) {
      fail(`'discover' of group '${groupName}' must be a list of IPv4 ranges, like [192.168.1.0/28], got ${kindOf(value)}`, pos);
    }
    const g = b.group(groupName);
    const ranges = (value as string[]).map((range, i) => ({ range, at: posOf(src, value, String(i)) ?? pos }));
    g.discover = [...(g.discover ?? []), ...ranges];
  };

  /** Builder and range errors carry no line: give them the key's position. */
  const wrap = <T>(f: () => T, pos: SourcePos | undefined): T => {
    try {
      return f();
    } catch (e) {
      if (e instanceof LocalError) {
        fail(e.message, pos && { ...pos, col: pos.col + e.col });
      }
      throw e;
    }
  };

  for (const name of Object.keys(top)) group(name, top[name], posOf(src, top, name), name);
}
