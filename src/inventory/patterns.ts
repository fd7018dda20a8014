import type { Inventory } from './types.js';

/**
 * Ansible host patterns: `all`, `*`, `web`, `node1`, `web:db`, `web,db`, `web:&prod`,
 * `web:!node3`, wildcards (`node*`), `~regex`. Unions first, then intersections, then
 * exclusions, as Ansible applies them. Order follows the inventory.
 */
export function selectHosts(inventory: Inventory, groups: Record<string, string[]>, pattern: string): string[] {
  const terms = splitPattern(pattern);
  const order = [...inventory.hosts.keys()];
  let selected = new Set<string>();
  const intersections: Set<string>[] = [];
  const exclusions: Set<string>[] = [];
  for (const term of terms) {
    if (term.startsWith('!')) exclusions.push(matchTerm(term.slice(1), inventory, groups, order));
    else if (term.startsWith('&')) intersections.push(matchTerm(term.slice(1), inventory, groups, order));
    else for (const h of matchTerm(term, inventory, groups, order)) selected.add(h);
  }
  for (const i of intersections) selected = new Set([...selected].filter((h) => i.has(h)));
  for (const x of exclusions) for (const h of x) selected.delete(h);
  const known = order.filter((h) => selected.has(h));
  // Hosts named in a pattern but absent from the inventory (localhost) come last, as written.
  return [...known, ...[...selected].filter((h) => !inventory.hosts.has(h))];
}

function splitPattern(pattern: string): string[] {
  const parts = pattern.includes(',') ? pattern.split(',') : pattern.split(/:(?![^[]*\])/);
  return parts.map((p) => p.trim()).filter(Boolean);
}

function matchTerm(term: string, inventory: Inventory, groups: Record<string, string[]>, order: string[]): Set<string> {
  if (term === 'all' || term === '*') return new Set(order);
  if (groups[term]) return new Set(groups[term]);
  if (inventory.hosts.has(term)) return new Set([term]);
  if (term === 'localhost' || term === '127.0.0.1') return new Set([term]);
  let re: RegExp;
  if (term.startsWith('~')) re = new RegExp(term.slice(1));
  else if (/[*?]/.test(term)) re = new RegExp('^' + term.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.') + '$');
  else return new Set();
  const out = new Set<string>();
  for (const g of Object.keys(groups)) if (re.test(g)) for (const h of groups[g]!) out.add(h);
  for (const h of order) if (re.test(h)) out.add(h);
  return out;
}
