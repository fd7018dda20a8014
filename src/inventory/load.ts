import { readFile, stat } from 'node:fs/promises';
import { UserError } from '../model/source.js';
import { parseIniInventory } from './ini.js';
import type { Inventory } from './types.js';

/**
 * -i values: an INI inventory file, or a comma-separated host list (`node1,node2,` as
 * ansible-playbook accepts). Several are merged in order.
 */
export async function loadInventories(sources: string[]): Promise<{ inventory: Inventory; file?: string }> {
  const parts: Inventory[] = [];
  let first: string | undefined;
  for (const src of sources) {
    const isFile = await stat(src).then((s) => s.isFile(), () => false);
    if (!isFile && src.includes(',')) {
      parts.push(parseIniInventory(src.split(',').map((h) => h.trim()).filter(Boolean).join('\n') + '\n', `-i ${src}`));
      continue;
    }
    if (!isFile) throw new UserError(`inventory '${src}' not found (give a file, or a comma-separated host list such as 'node1,node2,')`, undefined, 5);
    first ??= src;
    const text = await readFile(src, 'utf8');
    if (/^\s*[\w-]+\s*:\s*$/m.test(text) && !/^\s*\[/m.test(text)) {
      throw new UserError(`${src}: YAML inventories are not supported yet; use the INI format`, { file: src, line: 1, col: 1 });
    }
    parts.push(parseIniInventory(text, src));
  }
  if (parts.length === 0) parts.push(parseIniInventory('', '(empty inventory)'));
  return { inventory: mergeInventories(parts), file: first };
}

function mergeInventories(parts: Inventory[]): Inventory {
  const [head, ...rest] = parts;
  const out = head!;
  for (const inv of rest) {
    for (const [name, h] of inv.hosts) {
      const cur = out.hosts.get(name);
      if (!cur) out.hosts.set(name, h);
      else {
        Object.assign(cur.vars, h.vars);
        for (const g of h.groups) cur.groups.add(g);
      }
    }
    for (const [name, g] of inv.groups) {
      const cur = out.groups.get(name);
      if (!cur) out.groups.set(name, g);
      else {
        for (const h of g.hosts) if (!cur.hosts.includes(h)) cur.hosts.push(h);
        for (const c of g.children) if (!cur.children.includes(c)) cur.children.push(c);
        Object.assign(cur.vars, g.vars);
      }
    }
  }
  return out;
}
