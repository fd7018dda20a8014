import PQueue from 'p-queue';
import type { Reporter } from '../model/events.js';
import type { Inventory } from '../inventory/types.js';
import type { ModuleRegistry } from '../modules/registry.js';
import type { ConnectionPool } from '../connection/pool.js';
import { TemplateEngine } from '../template/engine.js';
import type { RunContext, RunOptions } from './context.js';
import { groupMembers } from './host-vars.js';
import { makeHostvars, omitPlaceholder } from './playbook-runner.js';
import { ProbeMemoryStore } from '../modules/lib/probe-memory.js';

export interface SessionInput {
  inventory: Inventory;
  inventoryFile?: string;
  options: RunOptions;
  reporter: Reporter;
  modules: ModuleRegistry;
  /** Owned by the caller, who closes it: one pool can serve several runs (launch does). */
  connections: ConnectionPool;
}

/** A fresh context for one playbook run. */
export function newRunContext(i: SessionInput): RunContext {
  const ctx: RunContext = {
    options: i.options,
    reporter: i.reporter,
    inventory: i.inventory,
    inventoryFile: i.inventoryFile,
    modules: i.modules,
    templates: new TemplateEngine(),
    connections: i.connections,
    forks: new PQueue({ concurrency: i.options.forks }),
    hosts: new Map(),
    omit: omitPlaceholder(),
    startAt: { name: i.options.startAtTask, started: new Set() },
    groups: groupMembers(i.inventory),
    hostvars: {},
    probeMemory: new ProbeMemoryStore(),
  };
  ctx.hostvars = makeHostvars(ctx, () => ctx);
  return ctx;
}
