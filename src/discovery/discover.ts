// Probing candidates in parallel (p-queue), one SSH round trip each, with short timeouts.
// A Discoverer keeps each node's connection between rounds (`nodes --watch`): a refresh then
// costs one round trip per node. A node's connection is dropped as soon as it fails.
import PQueue from 'p-queue';
import type { KeeperLink } from '../connection/keeper/link.js';
import { ConnectionPool } from '../connection/pool.js';
import { UnreachableError, type SshTarget } from '../connection/types.js';
import type { Inventory } from '../inventory/types.js';
import { candidatesFrom } from './candidates.js';
import { downStatus, evaluateInline, evaluateProbe, type EvaluateOptions } from './evaluate.js';
import { checkKnownHostsFile } from '../connection/known-hosts-file.js';
import { parseProbe, probeScript } from './probe.js';
import { scorerNamed, sortNodes, type Scorer } from './score.js';
import type { Candidate, DownReason, NodeStatus } from './types.js';

export interface DiscoverOptions {
  knownHostsFile?: string;
  hostKeyChecking: SshTarget['hostKeyChecking'];
  /** Per node: the SSH handshake, and again the probe script. Default 5 s. */
  connectTimeoutMs?: number;
  /** Nodes probed at once. Default 50. */
  concurrency?: number;
  staleAfterSeconds?: number;
  /** A scorer or the name of one in `scorers`. Default `default`. */
  scorer?: Scorer | string;
  /** Lease connections from the keeper (see PoolOptions). */
  keeper?: KeeperLink;
  /** --plan: connect to nothing; hosts without inline `oasis_metadata` are down ('not probed'). */
  offline?: boolean;
}

export class Discoverer {
  readonly candidates: Candidate[];
  private readonly pools = new Map<string, ConnectionPool>();
  private readonly evaluate: EvaluateOptions;
  private readonly timeoutMs: number;
  /** The --known-hosts check, made once before the first connection. */
  private knownHostsChecked: Promise<void> | undefined;

  constructor(
    inventory: Inventory,
    private readonly o: DiscoverOptions,
  ) {
    this.candidates = candidatesFrom(inventory);
    this.timeoutMs = o.connectTimeoutMs ?? 5000;
    const scorer = typeof o.scorer === 'function' ? o.scorer : scorerNamed(o.scorer ?? 'default');
    this.evaluate = { scorer, ...(o.staleAfterSeconds !== undefined && { staleAfterSeconds: o.staleAfterSeconds }) };
  }

  /**
   * Every candidate's status, least busy first, down last. Range addresses nobody answers on are
   * left out. When `signal` aborts, the round rejects at once with its reason: scripts running
   * are abandoned (their connections closed), nodes not started are not; a handshake under way
   * cannot be cut short and ends by itself within the timeout.
   */
  async probe(signal?: AbortSignal): Promise<NodeStatus[]> {
    if (!this.o.offline) await (this.knownHostsChecked ??= checkKnownHostsFile(this.o.knownHostsFile));
    signal?.throwIfAborted();
    const queue = new PQueue({ concurrency: this.o.concurrency ?? 50 });
    const round = Promise.all(this.candidates.map((c) => queue.add(() => this.one(c, signal))));
    round.catch(() => undefined); // an abandoned round's late failure is nobody's to report
    try {
      const all = signal ? await untilAborted(round, signal) : await round;
      return sortNodes(all.filter((s): s is NodeStatus => s !== undefined));
    } finally {
      queue.clear();
    }
  }

  async close(): Promise<void> {
    const pools = [...this.pools.values()];
    this.pools.clear();
    await Promise.allSettled(pools.map((p) => p.closeAll()));
  }

  private async one(c: Candidate, signal: AbortSignal | undefined): Promise<NodeStatus | undefined> {
    if (signal?.aborted) return undefined;
    if (c.inline !== undefined) return evaluateInline(c, this.evaluate);
    if (this.o.offline) return downStatus(c, 'error', 'not probed: --plan connects to nothing (give the host oasis_metadata to plan with its figures)');
    const reused = this.pools.has(c.name);
    try {
      return await this.attempt(c, signal);
    } catch (e) {
      // A connection kept from the last round may have died since: one fresh try.
      if (reused && !signal?.aborted) {
        try {
          return await this.attempt(c, signal);
        } catch (again) {
          return this.failed(c, again);
        }
      }
      return this.failed(c, e);
    }
  }

  private async attempt(c: Candidate, signal: AbortSignal | undefined): Promise<NodeStatus> {
    let pool = this.pools.get(c.name);
    if (!pool) {
      pool = new ConnectionPool({ knownHostsFile: this.o.knownHostsFile, hostKeyChecking: this.o.hostKeyChecking, connectTimeoutMs: this.timeoutMs, ...(this.o.keeper && { keeper: this.o.keeper }) });
      this.pools.set(c.name, pool);
    }
    try {
      const run = async () => {
        const conn = await pool.get(c.vars);
        return conn.exec(probeScript(c.metadataFile), { timeoutMs: this.timeoutMs, ...(signal && { signal }) });
      };
      // The handshake and the script have their own timeouts; this bounds everything else.
      const r = await deadline(run(), 2 * this.timeoutMs + 1000, `${c.name} (${c.address}:${c.port}): no answer within ${2 * this.timeoutMs + 1000} ms`);
      return evaluateProbe(c, parseProbe(r.stdout, `${c.name} (${c.address}:${c.port})`), this.evaluate);
    } catch (e) {
      this.pools.delete(c.name);
      void pool.closeAll();
      throw e;
    }
  }

  private failed(c: Candidate, e: unknown): NodeStatus | undefined {
    const message = (e as Error).message ?? String(e);
    const reason: DownReason = e instanceof UnreachableError ? e.reason : /within \d+ ms/.test(message) ? 'timeout' : 'error';
    // In a scanned range, an address where nothing answers is not a node.
    if (c.origin.kind === 'range' && (reason === 'refused' || reason === 'timeout')) return undefined;
    return downStatus(c, reason, message);
  }
}

/** `p`, or the signal's reason as soon as it aborts (`p` goes on, unobserved). */
function untilAborted<T>(p: Promise<T>, signal: AbortSignal): Promise<T> {
  let onAbort: () => void = () => {};
  const aborted = new Promise<never>((_, reject) => {
    onAbort = () => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
  });
  return Promise.race([p, aborted]).finally(() => signal.removeEventListener('abort', onAbort));
}

function deadline<T>(p: Promise<T>, ms: number, message: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const t = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new UnreachableError(message, 'timeout')), ms);
  });
  return Promise.race([p, t]).finally(() => clearTimeout(timer));
}

/** One discovery round: probe every candidate, close every connection. */
export async function discoverNodes(inventory: Inventory, options: DiscoverOptions): Promise<NodeStatus[]> {
  const d = new Discoverer(inventory, options);
  try {
    return await d.probe();
  } finally {
    await d.close();
  }
}
