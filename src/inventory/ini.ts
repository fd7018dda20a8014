import type { SourcePos } from '../model/source.js';
import { ShlexError, shlexSplitTokens } from '../modules/lib-cmd/shlex.js';
import { InventoryBuilder } from './builder.js';
import { LocalError } from './errors.js';
import { parseIniValue } from './literal.js';
import { expandHostRange, splitHostPort } from './ranges.js';
import { InventoryError, InventoryErrors, type Inventory } from './types.js';

export { InventoryError } from './types.js';
export type { Inventory, InventoryGroup, InventoryHost } from './types.js';
export { parseIniValue } from './literal.js';
export { expandHostRange, splitHostPort } from './ranges.js';
export { resolveHostVars } from './precedence.js';

/** Bounds against hostile input, as for YAML: an inventory this large is a mistake. */
export const MAX_INVENTORY_BYTES = 10 * 1024 * 1024;

const SECTION = /^\[([^:\]\s]+)(?::(\w+))?\]\s*(?:#.*)?$/;
const GROUP_NAME = /^([^:\]\s]+)\s*(?:#.*)?$/;

/** Parse one Ansible INI inventory on its own. Errors name `file:line:col`. */
export function parseIniInventory(text: string, file: string): Inventory {
  const b = new InventoryBuilder();
  b.source = file;
  parseIniInto(b, text, file);
  return b.build();
}

/**
 * Adds an INI inventory to `b`, as Ansible's ini plugin does: values after `=` (host line or
 * `[g:vars]`) are Python literals when they parse as one, else strings; a group named only in
 * `[g:vars]` or `[p:children]` must be defined by a section somewhere in the file (or an
 * earlier source).
 */
export function parseIniInto(b: InventoryBuilder, text: string, file: string): void {
  checkText(text, file);
  // Sections naming groups not defined yet: [g:vars] (a likely typo) and [p:children] members.
  const pending = new Map<string, { line: number; kind: 'vars' | 'children'; parents: { name: string; at: SourcePos }[] }>();
  const addPendingChildren = (group: string) => {
    const decl = pending.get(group)!;
    pending.delete(group);
    for (const parent of decl.parents) {
      b.addChild(parent.name, group, parent.at);
      if (pending.get(parent.name)?.kind === 'children') addPendingChildren(parent.name);
    }
  };

  // Every malformed line is reported, not just the first: the parse goes on with the next line.
  const problems: InventoryError[] = [];
  let current = 'ungrouped';
  let state = 'hosts';
  const lines = text.replace(/^\uFEFF/, '').split(/\r\n|\n|\r/);
  lines.forEach((rawLine, idx) => {
    const lineNo = idx + 1;
    const line = rawLine.trim();
    const indent = rawLine.length - rawLine.trimStart().length;
    if (!line || line[0] === '#' || line[0] === ';') return;
    const error = (reason: string, col = 0): never => {
      throw new InventoryError(reason, file, lineNo, indent + col + 1);
    };
    try {
      const sec = SECTION.exec(line);
      if (sec) {
        const name = sec[1]!;
        const kind = sec[2] ?? 'hosts';
        if (kind !== 'hosts' && kind !== 'vars' && kind !== 'children') {
          error(`section [${name}:${kind}] has unknown type '${kind}' (expected vars or children)`, name.length + 2);
        }
        if (!b.hasGroup(name)) {
          if (kind === 'vars' && !pending.has(name)) pending.set(name, { line: lineNo, kind: 'vars', parents: [] });
          b.group(name);
        }
        const decl = pending.get(name);
        if (decl && kind !== 'vars') {
          if (decl.kind === 'children') addPendingChildren(name);
          else pending.delete(name);
        }
        current = name;
        state = kind;
        return;
      }
      if (line.startsWith('[') && line.endsWith(']')) {
        error(`invalid section header '${line}': expected [group], [group:vars] or [group:children], without spaces`);
      }
      if (state === 'vars') {
        const eq = line.indexOf('=');
        if (eq < 0) error(`expected key=value in [${current}:vars], got '${line}'`);
        const k = line.slice(0, eq).trim();
        if (!k) error('missing variable name before =');
        b.setGroupVar(current, k, parseIniValue(line.slice(eq + 1).trim()));
      } else if (state === 'children') {
        const m = GROUP_NAME.exec(line);
        if (!m) error(`expected a group name in [${current}:children], got '${line}'`);
        const child = m![1]!;
        const at = { file, line: lineNo, col: indent + 1 };
        if (b.hasGroup(child)) b.addChild(current, child, at);
        else {
          const decl = pending.get(child);
          if (!decl) pending.set(child, { line: lineNo, kind: 'children', parents: [{ name: current, at }] });
          else decl.parents.push({ name: current, at });
        }
      } else {
        hostLine(line, current);
      }
    } catch (e) {
      if (e instanceof InventoryError) problems.push(e);
      else if (e instanceof LocalError) problems.push(new InventoryError(e.message, file, lineNo, indent + e.col + 1));
      else if (e instanceof ShlexError) problems.push(new InventoryError(`cannot split host line: ${e.message}`, file, lineNo, indent + e.offset + 1));
      else throw e;
    }
  });

  function hostLine(line: string, groupName: string): void {
    const tokens = shlexSplitTokens(line, { comments: true });
    const first = tokens[0];
    if (!first) return; // only a comment
    const { pattern, port } = splitHostPort(first.value);
    if (pattern === '' || pattern === '---') throw new LocalError(`invalid host name '${first.value}'`, first.start);
    const vars: [string, unknown][] = [];
    for (const t of tokens.slice(1)) {
      const eq = t.value.indexOf('=');
      if (eq <= 0) throw new LocalError(`expected key=value host variable assignment, got '${t.value}'`, t.start);
      vars.push([t.value.slice(0, eq), parseIniValue(t.value.slice(eq + 1))]);
    }
    for (const name of expandHostRange(pattern, first.start)) {
      b.addHost(name, groupName, port);
      for (const [k, v] of vars) b.setHostVar(name, k, v);
    }
  }

  for (const [name, decl] of pending) {
    const reason =
      decl.kind === 'vars'
        ? `section [${name}:vars] is for group '${name}', which is not defined anywhere (add a [${name}] section, or fix the name)`
        : `group '${name}' is listed in [${decl.parents.at(-1)!.name}:children] but not defined anywhere (add a [${name}] section, even an empty one)`;
    problems.push(new InventoryError(reason, file, decl.line, 1));
  }
  if (problems.length === 1) throw problems[0];
  if (problems.length > 1) throw new InventoryErrors(problems);
}

/** Size and binary checks before any parsing: bounded time and memory whatever the input. */
function checkText(text: string, file: string): void {
  if (text.length > MAX_INVENTORY_BYTES) {
    const mb = (text.length / 1048576).toFixed(1);
    throw new InventoryError(`inventory is ${mb} MB; inventories over ${MAX_INVENTORY_BYTES / 1048576} MB are refused`, file, 1, 1);
  }
  const nul = text.indexOf('\0');
  if (nul >= 0) {
    const line = text.slice(0, nul).split('\n').length;
    throw new InventoryError('binary file (contains NUL bytes), expected an INI or YAML inventory', file, line, 1);
  }
}
