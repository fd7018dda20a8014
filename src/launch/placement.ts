import type { ServiceManifest } from './catalog.js';

/** What placement needs to know of a node (from discovery). */
export interface NodeView {
  name: string;
  state: 'live' | 'stale' | 'down';
  reason?: string;
  score: number;
  arch?: string;
  memFreeMb?: number;
  labels: Record<string, string>;
  services: string[];
}

export interface Placement {
  chosen: NodeView[];
  /** Every node left out, with why. */
  rejected: { node: string; reason: string }[];
}

/** Why a node cannot take the service, or undefined when it can. */
export function unfit(node: NodeView, service: ServiceManifest): string | undefined {
  if (node.state !== 'live') return `${node.state}${node.reason ? ` (${node.reason})` : ''}`;
  if (node.services.includes(service.name)) return `already runs ${service.name}`;
  const conflict = service.conflicts.find((c) => node.services.includes(c));
  if (conflict) return `runs ${conflict}, which conflicts with ${service.name}`;
  const req = service.requirements;
  if (req.arch && node.arch && !req.arch.includes(node.arch)) return `arch ${node.arch} is not one of ${req.arch.join(', ')}`;
  if (req.minFreeMemoryMb !== undefined && (node.memFreeMb ?? 0) < req.minFreeMemoryMb) {
    return `${node.memFreeMb ?? 0} MB free, needs ${req.minFreeMemoryMb} MB`;
  }
  for (const [k, v] of Object.entries(req.labels ?? {})) {
    if (node.labels[k] !== v) return `label ${k}=${v} missing${node.labels[k] !== undefined ? ` (has ${k}=${node.labels[k]})` : ''}`;
  }
  return undefined;
}

/** Strategies order the fit nodes; the first N are chosen. Ties are broken by name. */
export const STRATEGIES: Record<string, (a: NodeView, b: NodeView) => number> = {
  'least-loaded': (a, b) => a.score - b.score || a.name.localeCompare(b.name),
  'most-free-memory': (a, b) => (b.memFreeMb ?? 0) - (a.memFreeMb ?? 0) || a.name.localeCompare(b.name),
  'by-name': (a, b) => a.name.localeCompare(b.name),
};

/** Picks `count` nodes (or every fit node for 'all'). Callers fail when fewer than asked. */
export function place(nodes: NodeView[], service: ServiceManifest, count: number | 'all', strategy = 'least-loaded'): Placement {
  const order = STRATEGIES[strategy];
  if (!order) throw new Error(`unknown placement strategy '${strategy}' (${Object.keys(STRATEGIES).join(', ')})`);
  const rejected: Placement['rejected'] = [];
  const fit: NodeView[] = [];
  for (const n of nodes) {
    const why = unfit(n, service);
    if (why) rejected.push({ node: n.name, reason: why });
    else fit.push(n);
  }
  fit.sort(order);
  const chosen = count === 'all' ? fit : fit.slice(0, count);
  for (const n of fit.slice(chosen.length)) rejected.push({ node: n.name, reason: `more loaded than the ${chosen.length} chosen (score ${n.score.toFixed(2)})` });
  return { chosen, rejected };
}
