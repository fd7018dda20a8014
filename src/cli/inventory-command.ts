import { loadInventories } from '../inventory/load.js';
import { ansibleJson, hostVariables, inventoryGraph, inventoryList } from '../inventory/export.js';
import { matchHosts } from '../inventory/patterns.js';
import { UserError } from '../model/source.js';
import { reportError } from './errors.js';
import { discoverNodes } from '../discovery/discover.js';
import { exportIni } from '../discovery/export-ini.js';

export interface InventoryCliOptions {
  inventory: string[];
  list?: boolean;
  /** `--graph` alone is `true`; `--graph web` starts at web. */
  graph?: boolean | string;
  host?: string;
  playbookDir?: string;
  export?: boolean;
  exportIni?: boolean;
  knownHosts?: string;
  hostKeyChecking?: 'yes' | 'accept-new' | 'no';
  timeout?: string;
  verbose?: number;
}

const BAD_OPTIONS = 5;

/** What `oasis-play inventory` prints on stdout (without the final newline), and its warnings. */
export async function renderInventory(o: InventoryCliOptions): Promise<{ out: string; warnings: string[] }> {
  const actions = [o.list, o.graph, o.host, o.exportIni].filter((a) => a !== undefined && a !== false).length;
  if (actions !== 1) {
    throw new UserError(actions === 0 ? 'choose one of --list, --graph [GROUP], --host NAME or --export-ini' : 'only one of --list, --graph, --host or --export-ini at a time', undefined, BAD_OPTIONS);
  }
  const playbookDirs = o.playbookDir !== undefined ? [o.playbookDir] : [];
  const { inventory, warnings } = await loadInventories(o.inventory, { playbookDirs });
  if (o.exportIni) {
    const timeout = Number(o.timeout ?? '5');
    if (!Number.isFinite(timeout) || timeout <= 0) throw new UserError(`--timeout must be a number of seconds > 0, got '${o.timeout}'`, undefined, BAD_OPTIONS);
    const nodes = await discoverNodes(inventory, { knownHostsFile: o.knownHosts, hostKeyChecking: o.hostKeyChecking ?? 'yes', connectTimeoutMs: timeout * 1000 });
    return { out: exportIni(inventory, nodes).trimEnd(), warnings };
  }
  const opts = { playbookDir: o.playbookDir, export: !!o.export };
  if (o.host !== undefined) {
    const hosts = matchHosts(inventory, o.host, undefined, { warn: (m) => warnings.push(m) }).filter((h) => inventory.hosts.has(h));
    if (hosts.length !== 1) throw new UserError(`--host takes the name of one host in the inventory; '${o.host}' matches ${hosts.length}`, undefined, BAD_OPTIONS);
    return { out: ansibleJson(hostVariables(inventory, hosts[0]!, opts)), warnings };
  }
  if (o.graph !== undefined && o.graph !== false) {
    const group = o.graph === true ? 'all' : o.graph;
    if (!inventory.groups.has(group)) throw new UserError(`--graph takes a group name; there is no group '${group}'`, undefined, BAD_OPTIONS);
    return { out: inventoryGraph(inventory, group), warnings };
  }
  return { out: ansibleJson(inventoryList(inventory, opts)), warnings };
}

/** `oasis-play inventory`: ansible-inventory's --list, --host and --graph, and --export-ini. Returns the exit code. */
export async function inventoryCommand(o: InventoryCliOptions): Promise<number> {
  try {
    const { out, warnings } = await renderInventory(o);
    for (const w of warnings) process.stderr.write(`[WARNING]: ${w}\n`);
    process.stdout.write(out + '\n');
    return 0;
  } catch (e) {
    return reportError(e, o.verbose ?? 0);
  }
}
