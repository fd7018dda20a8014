// A run's side of a kept connection: looks to SshConnection like ssh2's Client (exec, 'close',
// end), but every channel goes through the keeper's Unix socket.
import { EventEmitter } from 'node:events';
import { connect, type Socket } from 'node:net';
import type { ExecChannel, SshTransport } from '../transport.js';
import { UnreachableError, type SshTarget } from '../types.js';
import { ASK, TELL, frame, json, readFrames, type KeptStatus, type LeaseGranted, type LeaseRequest, type UnreachableInfo } from './wire.js';

/** No keeper listens on the socket (none started yet, or one that died). */
export class NoKeeperError extends Error {}

function open(socketPath: string): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const s = connect(socketPath, () => {
      s.off('error', fail);
      s.on('error', () => {}); // 'close' follows, and is what the owner handles
      resolve(s);
    });
    const fail = (e: NodeJS.ErrnoException) => reject(e.code === 'ENOENT' || e.code === 'ECONNREFUSED' ? new NoKeeperError(e.message) : e);
    s.once('error', fail);
  });
}

/** Whether a keeper answers on this socket. */
export async function answers(socketPath: string): Promise<boolean> {
  try {
    (await open(socketPath)).destroy();
    return true;
  } catch (e) {
    if (e instanceof NoKeeperError) return false;
    throw e;
  }
}

/** Asks the keeper for its status, or to close everything and stop; undefined when no keeper answers. */
export async function askKeeper(socketPath: string, what: 'status' | 'quit'): Promise<KeptStatus[] | undefined> {
  let socket: Socket;
  try {
    socket = await open(socketPath);
  } catch (e) {
    if (e instanceof NoKeeperError) return undefined;
    throw e;
  }
  return new Promise((resolve, reject) => {
    readFrames(socket, (kind, body) => kind === TELL.status && resolve(json<KeptStatus[]>(body)));
    socket.once('close', () => reject(new Error(`the keeper at ${socketPath} closed the socket without an answer`)));
    socket.write(frame(what === 'status' ? ASK.status : ASK.quit));
  });
}

class KeptChannel extends EventEmitter implements ExecChannel {
  readonly stderr = Object.assign(new EventEmitter(), { resume: () => undefined });

  constructor(private readonly socket: Socket) {
    super();
  }

  write(data: Buffer | string): boolean {
    return this.socket.write(frame(ASK.stdin, Buffer.from(data)));
  }

  resume(): void {}

  park(): Promise<void> {
    return new Promise((resolve) => {
      if (this.socket.destroyed) return resolve();
      this.socket.once('close', () => resolve());
      this.socket.write(frame(ASK.park));
    });
  }
}

export class KeptClient extends EventEmitter implements SshTransport {
  private closed = false;

  private constructor(
    private readonly socketPath: string,
    private readonly leaseSocket: Socket,
    private readonly lease: number,
    /** The connection was made for an earlier run. */
    readonly reused: boolean,
  ) {
    super();
    leaseSocket.on('close', () => this.close());
  }

  /** The leased connection is gone (the keeper said so, or went away). */
  private close(): void {
    if (this.closed) return;
    this.closed = true;
    this.leaseSocket.destroy();
    this.emit('close');
  }

  /** Leases the keeper's connection to the target (made now if it has none); UnreachableError if it cannot be made. */
  static async lease(socketPath: string, request: LeaseRequest): Promise<KeptClient> {
    const socket = await open(socketPath);
    return new Promise((resolve, reject) => {
      // The first frame answers the request; after it, only 'closed' can come.
      let client: KeptClient | undefined;
      readFrames(socket, (kind, body) => {
        if (client) return void (kind === TELL.closed && client.close());
        if (kind === TELL.leased) {
          const { id, reused } = json<LeaseGranted>(body);
          resolve((client = new KeptClient(socketPath, socket, id, reused)));
        } else if (kind === TELL.unreachable) {
          const u = json<UnreachableInfo>(body);
          reject(new UnreachableError(u.message, u.reason));
        } else reject(new UnreachableError(`${request.target.name}: the keeper closed the connection before the run could use it`, 'closed'));
      });
      socket.once('close', () => client || reject(new NoKeeperError('the keeper closed the socket without an answer')));
      socket.write(frame(ASK.lease, request));
    });
  }

  exec(command: string, callback: (err: Error | undefined, channel?: ExecChannel) => void): void {
    let answered = false;
    const answer = (err: Error | undefined, channel?: ExecChannel) => {
      if (answered) return;
      answered = true;
      callback(err, channel);
    };
    open(this.socketPath).then(
      (socket) => {
        const channel = new KeptChannel(socket);
        readFrames(socket, (kind, body) => {
          if (kind === TELL.opened) answer(undefined, channel);
          else if (kind === TELL.refused) answer(new Error(json<{ message: string }>(body).message));
          else if (kind === TELL.stdout) channel.emit('data', body);
          else if (kind === TELL.stderr) channel.stderr.emit('data', body);
          else if (kind === TELL.exit) channel.emit('exit');
        });
        socket.once('close', () => {
          if (answered) channel.emit('close');
          else answer(new Error('the keeper closed the channel before it opened'));
        });
        socket.write(frame(ASK.exec, { lease: this.lease, command }));
      },
      (e: Error) => answer(e),
    );
  }

  end(): void {
    this.leaseSocket.end();
  }
}
