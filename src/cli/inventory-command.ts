import { loadInventories } from '../inventory/load.js';
import { ansibleJson, hostVariables, inventoryGraph, inventoryList } from '../inventory/export.js';
import { matchHosts } from '../inventory/patterns.js';
import { UserError } from '../model/source.js';
import { reportError } from './errors.js';

export interface InventoryCliOptions {
  inventory: string[];
  list?: boolean;
  /** `--graph` alone is `true`; `--graph web` starts at web. */
  graph?: boolean | string;
  host?: string;
  playbookDir?: string;
  export?: boolean;
  verbose?: number;
}

const BAD_OPTIONS = 5;

/** What `oasis-play inventory` prints on stdout (without the final newline), and its warnings. */
export async function renderInventory(o: InventoryCliOptions): Promise<{ out: string; warnings: string[] }> {
  const actions = [o.list, o.graph, o.host].filter((a) => a !== undefined && a !== false).length;
  if (actions !== 1) {
    throw new UserError(actions === 0 ? 'choose one of --list, --graph [GROUP] or --host NAME' : 'only one of --list, --graph or --host at a time', undefined, BAD_OPTIONS);
  }
  const playbookDirs = o.playbookDir !== undefined ? [o.playbookDir] : [];
  const { inventory, warnings } = await loadInventories(o.inventory, { playbookDirs });
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

/** `oasis-play inventory`: ansible-inventory's --list, --host and --graph. Returns the exit code. */
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
