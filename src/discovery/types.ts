// What discovery produces: one NodeStatus per candidate host.
import type { LoadAverages, NodeMetadata } from '../agent/metadata.js';
import type { ConnectionVars } from '../connection/pool.js';
import type { UnreachableError } from '../connection/types.js';

export type NodeState = 'live' | 'stale' | 'down';
export type DownReason = UnreachableError['reason'] | 'error';

export interface Candidate {
  /** Inventory name; for an address found in a `oasis_discover` range, the address. */
  name: string;
  address: string;
  port: number;
  /** Connection variables (inventory vars resolved; for ranges, the declaring group's). */
  vars: ConnectionVars & Record<string, unknown>;
  /** `range` candidates that do not answer at all are left out of the results. */
  origin: { kind: 'inventory' } | { kind: 'range'; group: string; range: string };
  /** `oasis_metadata` of a mock host, checked against the node metadata schema by candidatesFrom: evaluated without any connection. */
  inline?: unknown;
  /** `oasis_metadata_file`, default `~/meta-data.json`. */
  metadataFile: string;
}

export interface NodeStatus {
  name: string;
  address: string;
  port: number;
  origin: Candidate['origin'];
  state: NodeState;
  /** Why a node is down (from UnreachableError.reason). */
  reason?: DownReason;
  /** Why it is down or stale, for people. */
  message?: string;
  /** Where the load figures come from: the agent's file, /proc (no agent, or a stale one), inline mock data. */
  via: 'agent' | 'proc' | 'inline' | 'none';
  hostname?: string;
  arch?: string;
  cores?: number;
  load?: LoadAverages;
  memory?: { totalBytes: number; availableBytes: number; usedRatio: number };
  temperatureC: number | null;
  labels: Record<string, string>;
  services: string[];
  /** Seconds since the metadata was written, by the node's own clock. */
  ageSeconds?: number;
  /** Lower is less busy; null when there are no figures (down). */
  score: number | null;
  metadata?: NodeMetadata;
}
