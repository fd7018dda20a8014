import { checkKnownHostsFile } from '../connection/known-hosts-file.js';
import { join } from 'node:path';
import { ModuleRegistry } from '../modules/registry.js';
import { ConnectionPool } from '../connection/pool.js';
import { loadInventories } from '../inventory/load.js';
import { createReporter } from '../report/index.js';
import { UserError } from '../model/source.js';
import type { RunOptions } from '../engine/context.js';
import { EXIT } from '../engine/exit-codes.js';
import { BUILTIN_CATALOG, getService, loadCatalog } from '../launch/catalog.js';
import { clusterOps, toView } from '../launch/cluster.js';
import { launch, remove, runningOn, type PlacementChange } from '../launch/launch.js';
import { withClusterLock } from '../launch/lock.js';
import { STRATEGIES } from '../launch/placement.js';
import { discoverNodes } from '../discovery/discover.js';
import { planSession, PlanReporter } from '../plan/session.js';
import { parseExtraVars } from './extra-vars.js';
import { reportError } from './errors.js';
import { sshOptions, type SshCliOptions } from './ssh-options.js';

export interface PlacementCliOptions extends SshCliOptions {
  inventory: string[];
  extraVars: string[];
  plan?: boolean;
  strategy: string;
  nodes?: string;
  lockTimeout: string;
  catalog: string[];
  forks: string;
  verbose: number;
  output: 'auto' | 'live' | 'plain';
}

const say = (line: string) => process.stdout.write(`==> ${line}\n`);

function parseCount(text: string): number | 'all' {
  if (text === 'all') return 'all';
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1) throw new UserError(`N must be a whole number ≥ 1 or 'all', got '${text}'`, undefined, EXIT.badOptions);
  return n;
}

/** Everything launch, remove and services share: inventory, catalog, connections, discovery. */
async function setup(o: PlacementCliOptions) {
  if (!STRATEGIES[o.strategy]) throw new UserError(`unknown --strategy '${o.strategy}' (${Object.keys(STRATEGIES).join(', ')})`, undefined, EXIT.badOptions);
  const { inventory, file } = await loadInventories(o.inventory);
  const catalog = loadCatalog([...o.catalog, join(process.cwd(), 'playbooks'), BUILTIN_CATALOG]);
  // --plan: a pool that never connects and a reporter that shows the rendered tasks and configs.
  const plan = o.plan ? planSession(process.stdout, process.stderr) : undefined;
  const ssh = sshOptions(o);
  if (!plan) await checkKnownHostsFile(o.knownHosts);
  if (!plan) ssh.keeper?.prepare();
  const connections = plan?.connections ?? new ConnectionPool(ssh);
  const discover = { ...ssh, offline: !!o.plan };
  const runOptions: RunOptions = {
    check: false,
    diff: false,
    forks: Number(o.forks),
    tags: { only: [], skip: [] },
    extraVars: await parseExtraVars(o.extraVars),
    verbosity: o.verbose,
    ...(o.plan ? { plan: true } : {}),
  } as RunOptions;
  const ops = clusterOps({
    inventory,
    inventoryFile: file,
    modules: new ModuleRegistry(),
    connections,
    discover,
    runOptions,
    reporter: () => (plan ? new PlanReporter(process.stdout, process.stderr) : createReporter({ mode: o.output, verbosity: o.verbose, diff: false, out: process.stdout, err: process.stderr })),
    say,
    dryRun: !!o.plan,
  });
  return { inventory, catalog, connections, ssh, ops, lockKey: o.inventory.length ? o.inventory : ['(default)'] };
}

function summary(change: PlacementChange): number {
  say(`${change.service} runs on: ${change.runsOn.join(', ') || 'no node'}`);
  for (const [svc, hosts] of Object.entries(change.refreshed)) say(`${svc} refreshed on: ${hosts.join(', ')}`);
  const refreshFailed = Object.keys(change.refreshFailed).length > 0;
  return change.failed.length || refreshFailed ? EXIT.failed : EXIT.ok;
}

/** `oasis-play launch N SERVICE` and `oasis-play remove N SERVICE`. */
export async function placementCommand(kind: 'launch' | 'remove', countText: string, serviceName: string, o: PlacementCliOptions): Promise<number> {
  let connections: ConnectionPool | undefined;
  try {
    const count = kind === 'remove' && o.nodes ? 'all' : parseCount(countText);
    const s = await setup(o);
    connections = s.connections;
    const service = getService(s.catalog, serviceName);
    if (o.plan) say('plan: no connection is made and nothing is changed');
    const act = () => (kind === 'launch' ? launch(s.ops, s.catalog, service, count, o.strategy) : remove(s.ops, s.catalog, service, count, o.nodes?.split(',').map((n) => n.trim())));
    const change = o.plan ? await act() : await withClusterLock(s.lockKey, Number(o.lockTimeout) * 1000, act, (pid) => say(`waiting for another launch/remove (pid ${pid}) to finish`));
    return summary(change);
  } catch (e) {
    return reportError(e, o.verbose);
  } finally {
    await connections?.closeAll();
  }
}

/** `oasis-play services`: the catalog, and where each service runs now. */
export async function servicesCommand(o: PlacementCliOptions & { json?: boolean }): Promise<number> {
  try {
    const { inventory, catalog, ssh } = await setup(o);
    const nodes = o.inventory.length ? (await discoverNodes(inventory, ssh)).map(toView) : [];
    const rows = [...catalog.values()].map((s) => ({ name: s.name, description: s.description, runsOn: runningOn(nodes, s.name) }));
    if (o.json) process.stdout.write(JSON.stringify(rows, null, 2) + '\n');
    else {
      const w = Math.max(7, ...rows.map((r) => r.name.length));
      process.stdout.write(`${'SERVICE'.padEnd(w)}  RUNS ON${' '.repeat(20)}DESCRIPTION\n`);
      for (const r of rows) process.stdout.write(`${r.name.padEnd(w)}  ${(r.runsOn.join(',') || '-').padEnd(27)}${r.description}\n`);
    }
    return EXIT.ok;
  } catch (e) {
    return reportError(e, o.verbose);
  }
}
