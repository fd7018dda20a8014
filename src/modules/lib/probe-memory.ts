/**
 * What inspections saw on a target, kept so that a task can often decide with no round trip.
 * An inspection also probes the paths the next tasks will ask about (their `probes`), and what
 * it saw stays usable until the next script starts on that connection: any script may change
 * anything. A module gets a remembered answer only when every probe it asks for was seen by
 * the latest script, as the same become user; the state is then what a fresh inspection would
 * find, unless something outside oasis-play changed it in the milliseconds between (the race
 * any check-then-act tool has between its check and its act).
 */
import type { Connection } from '../../connection/types.js';
import type { Inspection, PathInfo, Probe } from './inspect.js';

/**
 * Two probes asking the same thing about the same path have the same key (false is as absent).
 * Every field of Probe, in a fixed order: keys are made for every probe of every task.
 */
export function probeKey(p: Probe): string {
  const flags = FLAGS.map((f) => (p[f] ? 1 : 0)).join('');
  return `${flags}|${p.checksum ? (p.checksumAlgorithm ?? 'sha1') : ''}|${p.maxContent ?? ''}|${p.path}`;
}

const FLAGS = ['checksum', 'content', 'tree', 'access', 'realpath', 'emptiness', 'noFollow'] as const;
// A field added to Probe must go into the key: this stops compiling until it does.
type KeyFields = (typeof FLAGS)[number] | 'path' | 'checksumAlgorithm' | 'maxContent';
const keyCoversProbe: Exclude<keyof Probe, KeyFields> extends never ? true : never = true;
void keyCoversProbe;

export interface ProbeMemory {
  /** Probes the next tasks will ask for, for an inspection to take along (may be none). */
  upcoming(): Probe[];
  /** The answer to all of `probes` if the latest script saw them, else undefined. */
  recall(probes: Probe[]): Inspection | undefined;
  /** Keeps what the script numbered `seq` saw (no seq: it cannot vouch for anything). */
  remember(seq: number | undefined, probes: Probe[], insp: Inspection): void;
}

interface Snapshot {
  seq: number;
  user: string;
  umask: number;
  seen: Map<string, PathInfo>;
}

interface TargetState {
  snapshot?: Snapshot;
  /** The last task here changed something: the next ones likely will too, so looking ahead is wasted. */
  changing: boolean;
}

/** One per run, passed down in the run context: each connection's latest snapshot. */
export class ProbeMemoryStore {
  private readonly targets = new WeakMap<Connection, TargetState>();
  /**
   * The connections seen per machine. Two inventory names for one address and port act on one
   * file system, and a script through one does not move the other's count: such connections
   * remember nothing.
   */
  private readonly byMachine = new Map<string, Set<Connection>>();

  /** Notes the connection under its machine (every module run comes through forTask). */
  private register(conn: Connection): void {
    if (conn.machine === undefined) return;
    let conns = this.byMachine.get(conn.machine);
    if (!conns) this.byMachine.set(conn.machine, (conns = new Set()));
    conns.add(conn);
  }

  private shared(conn: Connection): boolean {
    return conn.machine !== undefined && (this.byMachine.get(conn.machine)?.size ?? 0) > 1;
  }

  private stateOf(conn: Connection): TargetState {
    let s = this.targets.get(conn);
    if (!s) this.targets.set(conn, (s = { changing: false }));
    return s;
  }

  /** The memory a task sees: its connection, its become user ('' for none), its look-ahead. */
  forTask(conn: Connection, user: string, upcoming: () => Probe[]): ProbeMemory {
    const state = this.stateOf(conn);
    this.register(conn);
    return {
      upcoming: () => (state.changing ? [] : upcoming()),
      recall: (probes) => {
        const s = state.snapshot;
        if (!s || s.seq !== conn.execCount || s.user !== user || this.shared(conn)) return undefined;
        const paths: PathInfo[] = [];
        for (const p of probes) {
          const info = s.seen.get(probeKey(p));
          if (!info) return undefined;
          paths.push({ ...info }); // as inspect() hands them out: a copy per asker
        }
        return { umask: s.umask, paths, stdout: '' };
      },
      remember: (seq, probes, insp) => {
        if (seq === undefined) return;
        const seen = new Map<string, PathInfo>();
        probes.forEach((p, i) => seen.set(probeKey(p), insp.paths[i]!));
        state.snapshot = { seq, user, umask: insp.umask, seen };
      },
    };
  }

  /** After each module run on a connection: whether it changed something there. */
  settled(conn: Connection, changed: boolean): void {
    this.stateOf(conn).changing = changed;
  }
}
