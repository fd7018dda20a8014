// Load scores: lower is less busy. Pluggable by name (`--scorer`, placement).
import type { LoadAverages } from '../agent/metadata.js';
import type { NodeStatus } from './types.js';

export interface ScoreInput {
  load?: LoadAverages;
  cores?: number;
  /** (total - available) / total */
  memoryUsedRatio?: number;
}

export type Scorer = (n: ScoreInput) => number | null;

/**
 * The seed's score: per-core load averages weighted 3·load15 + 2·load5 + load1, plus
 * 4 × the used-memory ratio, all over 4. Long averages weigh most: a node busy for a
 * quarter of an hour is busier than one with a momentary spike.
 */
export const defaultScorer: Scorer = ({ load, cores, memoryUsedRatio }) => {
  if (!load || memoryUsedRatio === undefined) return null;
  const c = cores && cores > 0 ? cores : 1;
  return round3(((3 * load.load15 + 2 * load.load5 + load.load1) / c + 4 * memoryUsedRatio) / 4);
};

export const scorers: Record<string, Scorer> = {
  default: defaultScorer,
  /** What is busy right now: per-core 1-minute load. */
  load1: ({ load, cores }) => (load ? round3(load.load1 / (cores && cores > 0 ? cores : 1)) : null),
  /** Memory only: used ratio. */
  memory: ({ memoryUsedRatio }) => (memoryUsedRatio === undefined ? null : round3(memoryUsedRatio)),
};

export function scorerNamed(name: string): Scorer {
  const s = Object.hasOwn(scorers, name) ? scorers[name] : undefined;
  if (!s) throw new Error(`unknown scorer '${name}' (have ${Object.keys(scorers).join(', ')})`);
  return s;
}

const round3 = (n: number) => Math.round(n * 1000) / 1000;

const RANK: Record<NodeStatus['state'], number> = { live: 0, stale: 1, down: 2 };

/** Live nodes, least busy first, then stale ones (their agent is not running), then down ones; ties by name. */
export function sortNodes(nodes: NodeStatus[]): NodeStatus[] {
  const byName = (a: NodeStatus, b: NodeStatus) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);
  return [...nodes].sort((a, b) => {
    if (RANK[a.state] !== RANK[b.state]) return RANK[a.state] - RANK[b.state];
    if (a.score === null || b.score === null) return a.score === b.score ? byName(a, b) : a.score === null ? 1 : -1;
    return a.score - b.score || byName(a, b);
  });
}
