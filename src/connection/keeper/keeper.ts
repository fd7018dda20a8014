// The keeper: a background process that holds SSH connections between runs, as OpenSSH's
// ControlPersist does for Ansible, so that the next run on the same hosts skips the handshake
// (the largest cost of a short run on many small nodes: docs/benchmarks.md). A run leases a
// connection for its duration and opens its channels through the keeper's Unix socket; the
// keeper closes a connection once no run has leased it for the lease's idle time, and exits
// once it holds none.
import { createServer, type Server, type Socket } from 'node:net';
import type { Client, ClientChannel } from 'ssh2';
import { verifyHostKey } from '../host-key.js';
import { connectClient, DEFAULT_CONNECT_TIMEOUT_MS } from '../ssh-connect.js';
import { UnreachableError, type SshTarget } from '../types.js';
import { joinToSocket, park, probeParked, type Detach } from './bridge.js';
import { ASK, TELL, frame, json, readFrames, type ExecRequest, type KeptStatus, type LeaseGranted, type LeaseRequest } from './wire.js';

interface Kept {
  key: string;
  label: string;
  client: Client;
  /** The key the server presented when the connection was made. */
  hostKey?: Buffer;
  leases: Set<Lease>;
  used: number;
  openedAt: number;
  idleSince?: number;
  expiry?: NodeJS.Timeout;
  gone: boolean;
  /** A run's shell, at rest, for the next run's exec of the same command. */
  parked?: { ch: ClientChannel; command: string; undo: Detach };
}

interface Lease {
  id: number;
  kept: Kept;
  socket: Socket;
  channels: Set<ClientChannel>;
  /** How long a channel may take to open before the connection is taken for dead. */
  openTimeoutMs: number;
  /** How long the connection stays once this lease, the last, ends. */
  idleMs: number;
}

/** Everything that decides which server we reach and how we prove who we are. */
function keyOf(t: SshTarget): string {
  return JSON.stringify([t.user, t.host, t.port, t.privateKeyFile ?? '', t.password ?? null, t.agentSocket ?? '', t.knownHostsFile, t.hostKeyChecking]);
}

export class Keeper {
  /** Connections made and not closed yet, by keyOf. */
  private readonly made = new Map<string, Kept>();
  /** Connections being made. */
  private readonly opening = new Map<string, Promise<Kept>>();
  private readonly leases = new Map<number, Lease>();
  private nextLease = 1;
  private readonly sockets = new Set<Socket>();
  private exitTimer?: NodeJS.Timeout;

  constructor(
    private readonly server: Server,
    /** How long to wait, holding nothing, before exiting. */
    private exitAfterMs: number,
    private readonly exit: () => void,
    private readonly log: (line: string) => void,
  ) {
    server.on('connection', (socket) => this.accept(socket));
    this.settle();
  }

  private accept(socket: Socket): void {
    this.sockets.add(socket);
    this.settle();
    socket.on('error', () => {}); // a run that died; 'close' follows
    socket.on('close', () => {
      this.sockets.delete(socket);
      this.settle();
    });
    let onFrame = (kind: string, body: Buffer): void => {
      onFrame = () => socket.destroy(); // a socket asks one thing; the rest is its channel's stdin
      if (kind === ASK.lease) void this.lease(socket, json<LeaseRequest>(body));
      else if (kind === ASK.exec) onFrame = this.exec(socket, json<ExecRequest>(body));
      else if (kind === ASK.status) socket.end(frame(TELL.status, this.status()));
      else if (kind === ASK.quit) this.quit(socket);
      else socket.destroy();
    };
    readFrames(socket, (kind, body) => {
      try {
        onFrame(kind, body);
      } catch (e) {
        this.log(`dropped a client that sent what it cannot read: ${(e as Error).message}`);
        socket.destroy();
      }
    });
  }

  private async lease(socket: Socket, req: LeaseRequest): Promise<void> {
    let got: { kept: Kept; reused: boolean };
    try {
      got = await this.connection(req.target);
    } catch (e) {
      const u = e instanceof UnreachableError ? e : new UnreachableError(`${req.target.name}: ${(e as Error).message}`, 'other');
      socket.end(frame(TELL.unreachable, { message: u.message, reason: u.reason }));
      return;
    }
    const { kept, reused } = got;
    if (socket.destroyed || kept.gone) {
      if (!socket.destroyed) socket.end(frame(TELL.closed));
      // The run went away while its connection was being made: the connection idles from now.
      if (!kept.gone && kept.leases.size === 0) this.idle(kept, req.idleMs);
      return;
    }
    const openTimeoutMs = req.target.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS;
    const lease: Lease = { id: this.nextLease++, kept, socket, channels: new Set(), openTimeoutMs, idleMs: req.idleMs };
    this.leases.set(lease.id, lease);
    kept.leases.add(lease);
    kept.used++;
    kept.idleSince = undefined;
    clearTimeout(kept.expiry);
    socket.on('close', () => this.release(lease));
    socket.write(frame(TELL.leased, { id: lease.id, reused } satisfies LeaseGranted));
  }

  /** The held connection to this target, if it is still up and its host key still trusted; else a new one. */
  private async connection(target: SshTarget): Promise<{ kept: Kept; reused: boolean }> {
    const key = keyOf(target);
    const held = this.made.get(key);
    if (held) {
      // known_hosts may have changed since: a key no longer trusted ends the connection.
      const trusted = target.hostKeyChecking === 'no' || (held.hostKey !== undefined && (await verifyHostKey(target, held.hostKey)).ok);
      if (trusted && !held.gone) return { kept: held, reused: true };
      if (!trusted) this.log(`${held.label}: host key no longer trusted; reconnecting`);
      this.drop(held);
    }
    let opening = this.opening.get(key);
    if (!opening) {
      opening = this.open(key, target).finally(() => this.opening.delete(key));
      this.opening.set(key, opening);
    }
    return { kept: await opening, reused: false };
  }

  private async open(key: string, target: SshTarget): Promise<Kept> {
    let hostKey: Buffer | undefined;
    const client = await connectClient(target, (k) => (hostKey = k));
    const kept: Kept = { key, label: `${target.user}@${target.host}:${target.port}`, client, hostKey, leases: new Set(), used: 0, openedAt: Date.now(), gone: false };
    this.made.set(key, kept);
    client.on('close', () => this.forget(kept));
    return kept;
  }

  private drop(kept: Kept): void {
    if (kept.gone) return;
    this.forget(kept);
    kept.client.end();
  }

  /** The connection closed: its leases hear it (their runs see the host unreachable). */
  private forget(kept: Kept): void {
    if (kept.gone) return;
    kept.gone = true;
    if (this.made.get(kept.key) === kept) this.made.delete(kept.key);
    clearTimeout(kept.expiry);
    for (const lease of kept.leases) lease.socket.end(frame(TELL.closed));
    this.settle();
  }

  private release(lease: Lease): void {
    this.leases.delete(lease.id);
    for (const ch of lease.channels) ch.close();
    const kept = lease.kept;
    kept.leases.delete(lease);
    if (kept.leases.size > 0 || kept.gone) return;
    this.idle(kept, lease.idleMs);
  }

  /** No run uses the connection: it closes after idleMs unless one leases it meanwhile. */
  private idle(kept: Kept, idleMs: number): void {
    clearTimeout(kept.expiry);
    kept.idleSince = Date.now();
    kept.expiry = setTimeout(() => this.drop(kept), idleMs);
    this.exitAfterMs = idleMs;
  }

  /**
   * Opens an exec channel for a lease, or lends the shell an earlier run parked when the command
   * is the same; returns what to do with the socket's next frames (stdin, or park).
   */
  private exec(socket: Socket, req: ExecRequest): (kind: string, body: Buffer) => void {
    const lease = this.leases.get(req.lease);
    const early: Array<[string, Buffer]> = [];
    let joined: { ch: ClientChannel; detach: Detach } | undefined;
    const input = (kind: string, body: Buffer): void => {
      if (!joined) early.push([kind, body]);
      else if (kind === ASK.park) this.park(lease!, joined.ch, joined.detach, req.command, socket);
      else if (kind === ASK.stdin && !joined.ch.write(body)) {
        socket.pause();
        joined.ch.once('drain', () => socket.resume());
      }
    };
    if (!lease || lease.kept.gone) {
      socket.end(frame(TELL.refused, { message: 'SSH connection closed' }));
      return input;
    }
    const join = (ch: ClientChannel): void => {
      if (socket.destroyed || !this.leases.has(lease.id)) return void ch.close();
      lease.channels.add(ch);
      const closeChannel = () => ch.close();
      const closed = () => {
        lease.channels.delete(ch);
        socket.end();
      };
      socket.on('close', closeChannel);
      ch.on('close', closed);
      const detachOutput = joinToSocket(ch, socket);
      joined = {
        ch,
        detach: () => {
          detachOutput();
          socket.off('close', closeChannel);
          ch.off('close', closed);
          lease.channels.delete(ch);
        },
      };
      socket.write(frame(TELL.opened));
      for (const [kind, body] of early.splice(0)) input(kind, body);
    };
    const open = (): void => {
      let late = false;
      const timer = setTimeout(() => {
        late = true;
        this.openTimedOut(lease, socket, 'a channel did not open');
      }, lease.openTimeoutMs);
      lease.kept.client.exec(req.command, (err, ch) => {
        clearTimeout(timer);
        if (late) return ch?.close();
        if (err) return socket.end(frame(TELL.refused, { message: err.message }));
        join(ch);
      });
    };
    const parked = lease.kept.parked;
    if (parked?.command !== req.command) {
      open();
      return input;
    }
    lease.kept.parked = undefined;
    parked.undo();
    void probeParked(parked.ch, lease.openTimeoutMs).then((answer) => {
      if (answer === 'answered') return join(parked.ch);
      parked.ch.close();
      // A shell that ended meanwhile says nothing about the connection; one that stays silent does.
      if (answer === 'closed') open();
      else this.openTimedOut(lease, socket, 'a shell kept since an earlier run did not answer');
    });
    return input;
  }

  /** No answer on the connection within the lease's time: it is taken for dead (the run connects anew). */
  private openTimedOut(lease: Lease, socket: Socket, what: string): void {
    socket.end(frame(TELL.refused, { message: `no answer within ${lease.openTimeoutMs} ms on the connection kept since an earlier run (${what}); it was dropped` }));
    this.log(`${lease.kept.label}: ${what} within ${lease.openTimeoutMs} ms; dropping the connection`);
    lease.kept.client.destroy();
  }

  /**
   * The run is done with its shell, which is at rest (no script running, all output read): it
   * stays on the connection for the next run's same command. One per connection; another is closed.
   */
  private park(lease: Lease, ch: ClientChannel, detach: Detach, command: string, socket: Socket): void {
    detach();
    const kept = lease.kept;
    if (kept.gone || kept.parked) ch.close();
    else {
      // Its listeners go when it is lent again: until then, its end is the parked shell's.
      const undo = park(ch, () => {
        kept.parked = undefined;
        undo();
      });
      kept.parked = { ch, command, undo };
    }
    socket.end();
  }

  private status(): KeptStatus[] {
    const now = Date.now();
    return [...this.made.values()].map((k) => ({
      target: k.label,
      leases: k.leases.size,
      used: k.used,
      shellKept: k.parked !== undefined,
      openedAgoMs: now - k.openedAt,
      ...(k.idleSince !== undefined && { idleForMs: now - k.idleSince }),
    }));
  }

  private quit(socket: Socket): void {
    this.log('asked to stop');
    socket.end(frame(TELL.status, this.status()));
    this.stop();
  }

  stop(): void {
    for (const kept of this.made.values()) this.drop(kept); // their leases hear it
    this.server.close();
    this.exit();
  }

  /** Exits after a while holding nothing: no connection, no socket. */
  private settle(): void {
    clearTimeout(this.exitTimer);
    if (this.made.size > 0 || this.sockets.size > 0) return;
    this.exitTimer = setTimeout(() => {
      this.log('idle; exiting');
      this.stop();
    }, this.exitAfterMs);
  }
}
