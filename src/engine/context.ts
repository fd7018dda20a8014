import type PQueue from 'p-queue';
import type { HostCounters, Reporter } from '../model/events.js';
import type { Inventory } from '../inventory/types.js';
import type { ModuleRegistry } from '../modules/registry.js';
import type { TemplateEngine } from '../template/engine.js';
import type { ConnectionPool } from '../connection/pool.js';
import type { ProbeMemoryStore } from '../modules/lib/probe-memory.js';
import type { TagFilter } from './tags.js';

export interface RunOptions {
  check: boolean;
  diff: boolean;
  forks: number;
  tags: TagFilter;
  extraVars: Record<string, unknown>;
  limit?: string;
  startAtTask?: string;
  verbosity: number;
  /** --plan: no connection; remote tasks report what they would do (src/plan). */
  plan?: boolean;
}

/** Everything a run shares, passed down explicitly (no module-level state). */
export interface RunContext {
  options: RunOptions;
  reporter: Reporter;
  inventory: Inventory;
  modules: ModuleRegistry;
  templates: TemplateEngine;
  connections: ConnectionPool;
  /** Bounds how many hosts execute something at the same moment (-f/--forks). */
  forks: PQueue;
  hosts: Map<string, HostState>;
  /** Placeholder that `{{ omit }}` renders to; arguments equal to it are dropped. */
  omit: string;
  /** --start-at-task: cleared once the named task is reached. */
  startAt: { name?: string; started: Set<string> };
  /** hostvars: one lazily computed entry per inventory host. */
  hostvars: Record<string, unknown>;
  /** groups: every group's hosts, children included (the inventory does not change during a run). */
  groups: Record<string, string[]>;
  inventoryFile?: string;
  /** What inspections saw on each target, while nothing ran there since. */
  probeMemory: ProbeMemoryStore;
}

/** What the run knows about one host across plays. */
export interface HostState {
  name: string;
  /** set_fact and registered results: they outlive the play, as in Ansible. */
  facts: Record<string, unknown>;
  /** include_vars results: one level below set_fact and register, whichever came first (Ansible's order). */
  includedVars: Record<string, unknown>;
  /** Gathered facts (ansible_*): below play vars in precedence, where Ansible puts them. */
  gathered: Record<string, unknown>;
  counters: HostCounters;
  /** Failed or unreachable: takes no part in later plays. */
  failed: boolean;
  unreachable: boolean;
  /** Handler names and listen topics notified since the last flush. */
  notified: Set<string>;
}
