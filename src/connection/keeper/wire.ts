// The keeper's wire format over its Unix socket: frames of [kind: 1 byte][length: u32 BE][payload].
// One socket per lease (an SSH connection held for one run) and one per channel opened on it.
import type { Socket } from 'node:net';
import type { SshTarget, UnreachableError } from '../types.js';

/** Changes whenever the frames below do: it names the keeper's socket. */
export const WIRE_VERSION = 2;

/** Client → keeper. */
export const ASK = {
  /** JSON LeaseRequest: hold the connection to this target for me. */
  lease: 'L',
  /** JSON ExecRequest: open an exec channel on a lease. */
  exec: 'X',
  /** bytes for the channel's stdin */
  stdin: 'i',
  /**
   * Done with the channel, which is at rest (a shell with no script running and all its output
   * read): the keeper keeps it for the next exec of the same command on the connection, and
   * closes the socket.
   */
  park: 'P',
  /** JSON: what the keeper holds */
  status: 'S',
  /** close every connection and stop */
  quit: 'Q',
} as const;

/** Keeper → client. */
export const TELL = {
  /** JSON LeaseGranted */
  leased: 'R',
  /** JSON {message, reason}: the target cannot be reached */
  unreachable: 'U',
  /** the channel is open */
  opened: 'O',
  /** JSON {message}: the channel could not be opened */
  refused: 'F',
  stdout: 'o',
  stderr: 'e',
  /** the remote command ended */
  exit: 'x',
  /** the leased SSH connection closed */
  closed: 'C',
  /** JSON KeptStatus[] */
  status: 'S',
} as const;

export interface LeaseRequest {
  target: SshTarget;
  /** How long the keeper holds the connection once no lease uses it. */
  idleMs: number;
}

export interface LeaseGranted {
  id: number;
  /** The connection was already open (made for an earlier lease). */
  reused: boolean;
}

export interface ExecRequest {
  lease: number;
  command: string;
}

export interface KeptStatus {
  /** user@host:port */
  target: string;
  leases: number;
  /** Leases granted on it so far (runs that used it). */
  used: number;
  openedAgoMs: number;
  /** Since its last lease ended; absent while leased. */
  idleForMs?: number;
  /** A run's shell waits on it for the next run. */
  shellKept: boolean;
}

export type UnreachableInfo = Pick<UnreachableError, 'message' | 'reason'>;

export function frame(kind: string, payload: Buffer | string | object = Buffer.alloc(0)): Buffer {
  const body = Buffer.isBuffer(payload) ? payload : Buffer.from(typeof payload === 'string' ? payload : JSON.stringify(payload), 'utf8');
  const head = Buffer.allocUnsafe(5);
  head.write(kind, 0, 'latin1');
  head.writeUInt32BE(body.length, 1);
  return Buffer.concat([head, body]);
}

export function json<T>(body: Buffer): T {
  return JSON.parse(body.toString('utf8')) as T;
}

/** Calls onFrame for every whole frame that arrives on the socket. */
export function readFrames(socket: Socket, onFrame: (kind: string, body: Buffer) => void): void {
  let pending: Buffer = Buffer.alloc(0);
  socket.on('data', (chunk: Buffer) => {
    pending = pending.length === 0 ? chunk : Buffer.concat([pending, chunk]);
    while (pending.length >= 5) {
      const length = pending.readUInt32BE(1);
      if (pending.length < 5 + length) break;
      const kind = String.fromCharCode(pending[0]!);
      const body = pending.subarray(5, 5 + length);
      pending = pending.subarray(5 + length);
      onFrame(kind, body);
    }
  });
}
