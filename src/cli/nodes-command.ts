// `oasis-play nodes`: which nodes are live, stale or down, and how loaded, least busy first.
import { UserError } from '../model/source.js';
import { Discoverer } from '../discovery/discover.js';
import { formatNodesTable } from '../discovery/table.js';
import { loadInventories } from '../inventory/load.js';
import type { NodeStatus } from '../discovery/types.js';
import { sleep } from '../agent/agent.js';
import { reportError } from './errors.js';
import { numberOption } from './number-option.js';
import { sshOptions, type SshCliOptions } from './ssh-options.js';

export interface NodesCliOptions extends SshCliOptions {
  inventory: string[];
  json?: boolean;
  watch?: boolean;
  forks: string;
  staleAfter?: string;
  scorer: string;
}

const WATCH_MS = 2000;


function render(nodes: NodeStatus[], json: boolean): string {
  return json ? `${JSON.stringify(nodes.map(({ metadata: _, ...n }) => n))}\n` : formatNodesTable(nodes);
}

export async function nodesCommand(o: NodesCliOptions): Promise<number> {
  let d: Discoverer | undefined;
  try {
    if (o.inventory.length === 0) throw new UserError('nodes: give an inventory with -i (a file, or a host list like node1,node2,)', undefined, 5);
    const { inventory, warnings } = await loadInventories(o.inventory);
    for (const w of warnings) process.stderr.write(`WARNING: ${w}\n`);
    d = new Discoverer(inventory, {
      ...sshOptions(o, (m) => process.stderr.write(`WARNING: ${m}\n`)),
      concurrency: Math.floor(numberOption(o.forks, '--forks', 1)),
      ...(o.staleAfter !== undefined && { staleAfterSeconds: numberOption(o.staleAfter, '--stale-after', 0) }),
      scorer: o.scorer,
    });
    if (!o.watch) {
      process.stdout.write(render(await d.probe(), !!o.json));
      return 0;
    }
    // Until Ctrl-C: each round reuses the connections of the last one. Ctrl-C aborts the round
    // under way and the wait between rounds: the exit must not wait for a silent node's timeout.
    const stop = new AbortController();
    const onSigint = () => stop.abort();
    process.once('SIGINT', onSigint);
    try {
      while (!stop.signal.aborted) {
        const started = Date.now();
        let nodes: NodeStatus[];
        try {
          nodes = await d.probe(stop.signal);
        } catch (e) {
          if (stop.signal.aborted) break;
          throw e;
        }
        const clear = !o.json && process.stdout.isTTY ? '\x1b[H\x1b[2J' : '';
        process.stdout.write(`${clear}${o.json ? '' : `${new Date().toLocaleTimeString()}  (every ${WATCH_MS / 1000} s, Ctrl-C to stop)\n`}${render(nodes, !!o.json)}`);
        await sleep(Math.max(0, WATCH_MS - (Date.now() - started)), stop.signal);
      }
    } finally {
      process.off('SIGINT', onSigint);
    }
    // Established connections close now; a handshake still under way is left to main, which exits.
    void d.close();
    d = undefined;
    return 0;
  } catch (e) {
    return reportError(e instanceof Error && e.message.startsWith('unknown scorer') ? new UserError(e.message, undefined, 5) : e, 0);
  } finally {
    await d?.close();
  }
}
