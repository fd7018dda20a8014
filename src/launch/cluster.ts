import { resolve } from 'node:path';
import { loadPlaybook } from '../config/playbook-loader.js';
import type { ConnectionPool } from '../connection/pool.js';
import type { Reporter } from '../model/events.js';
import type { Inventory } from '../inventory/types.js';
import { resolveHostVars } from '../inventory/ini.js';
import type { ModuleRegistry } from '../modules/registry.js';
import { discoverNodes, type DiscoverOptions } from '../discovery/discover.js';
import { addDynamicGroups } from '../discovery/groups.js';
import type { NodeStatus } from '../discovery/types.js';
import { serviceRegistryScript } from '../agent/service-script.js';
import type { RunOptions } from '../engine/context.js';
import { newRunContext } from '../engine/session.js';
import { runPlaybooks } from '../engine/playbook-runner.js';
import type { ClusterOps } from './launch.js';
import type { NodeView } from './placement.js';

export interface ClusterInput {
  inventory: Inventory;
  inventoryFile?: string;
  modules: ModuleRegistry;
  connections: ConnectionPool;
  discover: DiscoverOptions;
  /** Options for the service playbooks (extra vars, forks, check, plan...). */
  runOptions: RunOptions;
  reporter: () => Reporter;
  say: (line: string) => void;
  /** --plan: nothing is recorded on the nodes. */
  dryRun: boolean;
}

export function toView(n: NodeStatus): NodeView {
  return {
    name: n.name,
    state: n.state,
    ...(n.message || n.reason ? { reason: n.message ?? n.reason } : {}),
    score: n.score ?? Number.POSITIVE_INFINITY,
    ...(n.arch ? { arch: n.arch } : {}),
    ...(n.memory ? { memFreeMb: Math.floor(n.memory.availableBytes / 1048576) } : {}),
    labels: n.labels,
    services: n.services,
  };
}

/** The real cluster: discovery over SSH (or inline mock metadata), the engine, node metadata. */
export function clusterOps(i: ClusterInput): ClusterOps & { statuses(): NodeStatus[] } {
  let statuses: NodeStatus[] = [];
  return {
    statuses: () => statuses,
    async discover() {
      statuses = await discoverNodes(i.inventory, i.discover);
      return statuses.map(toView);
    },
    async runPlaybook(file, hosts, nodes) {
      // The cluster as it will be: service_<name> groups follow `nodes`, not the old metadata.
      const servicesOf = new Map(nodes.map((n) => [n.name, n.services]));
      const inventory = addDynamicGroups(i.inventory, statuses.map((s) => ({ ...s, services: servicesOf.get(s.name) ?? s.services })));
      const playbook = await loadPlaybook(resolve(file), i.modules);
      const reporter = i.reporter();
      const ctx = newRunContext({ inventory, inventoryFile: i.inventoryFile, options: { ...i.runOptions, limit: hosts.join(',') }, reporter, modules: i.modules, connections: i.connections });
      await runPlaybooks(ctx, [playbook]);
      await reporter.close();
      const good = (h: string) => {
        const s = ctx.hosts.get(h);
        return s !== undefined && !s.failed && !s.unreachable;
      };
      return { ok: hosts.filter(good), failed: hosts.filter((h) => !good(h)) };
    },
    async recordService(host, service, present) {
      if (i.dryRun) {
        i.say(`(plan) would ${present ? 'record' : 'remove'} ${service} in ${host}'s metadata`);
        return;
      }
      const vars = resolveHostVars(i.inventory, host);
      const conn = await i.connections.get({ ...vars, name: host });
      const file = typeof vars['oasis_metadata_file'] === 'string' ? vars['oasis_metadata_file'] : undefined;
      const res = await conn.exec(serviceRegistryScript(present ? 'add' : 'remove', service, file ? { file } : {}));
      if (res.code !== 0) throw new Error(`${host}: could not update its metadata: ${res.stderr.trim() || `exit ${res.code}`}`);
    },
    say: i.say,
  };
}
