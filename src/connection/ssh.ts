// SSH connection: one SSH session per host for the whole run and ONE persistent remote `sh`
// (a single exec channel, no pty), so an exec costs one round trip. Each script is framed:
// run apart from the shell (a subshell, or its own `sh -c`: see runCommand), then the shell
// prints an unguessable sentinel with the exit status on stdout and the sentinel on stderr; the
// exec is done when both have arrived.
import { raw, sh, type Shell } from '../shell/sh.js';
import { becomeWrap, type SudoSession } from './become.js';
import { EndReader, runCommand, token } from './frame.js';
import { sharedShellOps } from './node-ops.js';
import type { KeeperLink } from './keeper/link.js';
import type { ExecChannel, SshTransport } from './transport.js';
import { UnreachableError, type Connection, type ExecOptions, type ExecResult, type SshTarget } from './types.js';

interface Running {
  stdout(chunk: Buffer): void;
  stderr(chunk: Buffer): void;
  fail(e: Error): void;
}

/**
 * Kills the persistent shell's process group (sshd made it a session of its own): TERM first,
 * which sudo relays to a become wrapper, which as root passes it on (see become.ts); then KILL.
 */
const KILL_GROUP = `g=$(ps -o pgid= -p "$1" | tr -d ' ')
[ -n "$g" ] || exit 0
kill -TERM "-$g" 2>/dev/null; sleep 1; kill -KILL "-$g" 2>/dev/null; exit 0`;

/** Connects, or leases the keeper's connection when there is a keeper; then starts the shell. */
export async function connectSsh(target: SshTarget, keeper?: KeeperLink): Promise<SshConnection> {
  for (let attempt = 0; ; attempt++) {
    let kept = await keeper?.lease(target);
    // The kept connection is up but would not open a shell (sshd's MaxSessions: other commands
    // hold its sessions): this run connects itself.
    if (attempt > 0 && kept?.reused) {
      kept.end();
      kept = undefined;
    }
    // ssh2 is loaded only by a run that connects itself.
    const transport = kept ?? (await (await import('./ssh-connect.js')).connectClient(target));
    const conn = new SshConnection(transport, target);
    try {
      await conn.start();
      return conn;
    } catch (e) {
      await conn.close();
      // A kept connection may have died unnoticed (the node rebooted; the keeper then drops it) or
      // be full: once more, anew.
      if (kept?.reused && attempt === 0) continue;
      throw e instanceof UnreachableError ? e : new UnreachableError(`${target.name}: cannot start a remote shell: ${(e as Error).message}`, 'other');
    }
  }
}

export class SshConnection implements Connection {
  readonly host: string;
  readonly machine: string;
  /** Channels opened: 1 (the shell); side channels only to stop a timed-out script or a sudo given a wrong password. */
  channelsOpened = 0;
  execCount = 0;
  /** pid of the persistent remote shell (for cleaning up after a timeout). */
  shellPid = 0;
  private readonly sentinel = token('OASIS_END_');
  private readonly where: string;
  private shell?: ExecChannel;
  private queue: Promise<unknown> = Promise.resolve();
  private current?: Running;
  private dead?: UnreachableError;
  private teardown?: Promise<void>;
  private closed = false;
  /** The shell answered its first script: it is ours and at rest between scripts. */
  private started = false;

  constructor(
    private readonly client: SshTransport,
    readonly target: SshTarget,
  ) {
    this.host = target.name;
    this.machine = `${target.host}:${target.port}`;
    this.where = `${target.name} (${target.host}:${target.port})`;
    client.on('close', () => {
      this.closed = true;
      this.shutdown(new UnreachableError(`${this.where}: SSH connection closed`, 'closed'));
    });
  }

  async start(): Promise<void> {
    this.shell = await new Promise<ExecChannel>((resolve, reject) => {
      this.channelsOpened++;
      this.client.exec('sh', (err, ch) => (ch ? resolve(ch) : reject(err ?? new Error('no channel'))));
    });
    this.shell.on('data', (d: Buffer) => this.current?.stdout(d));
    this.shell.stderr.on('data', (d: Buffer) => this.current?.stderr(d));
    // 'exit' comes as soon as the shell dies; 'close' only once everything it started let go of the channel.
    const gone = () => this.shutdown(new UnreachableError(`${this.where}: remote shell exited; connection closed`, 'closed'));
    this.shell.on('exit', gone);
    this.shell.on('close', gone);
    // Run by the shared shell itself (not apart, as scripts are): `$$` is its pid. The node ops'
    // functions are defined there too.
    const r = await this.exec(raw(`${sharedShellOps()}\nprintf %s "$$"`), { inShell: true });
    // A chatty login shell (.bashrc output) lands before the first frame: take the number at the end.
    this.shellPid = Number(/(\d+)$/.exec(r.stdout)?.[1] ?? 0);
    this.started = true;
  }

  /** Scripts run one at a time, in the order asked. */
  exec(script: Shell, options: ExecOptions = {}): Promise<ExecResult> {
    const p = this.queue.then(() => this.run(script, options));
    this.queue = p.catch(() => undefined);
    return p;
  }

  private frame(script: Shell, o: ExecOptions): { frame: Buffer; sudo?: SudoSession } {
    const io = { stdin: o.stdin, env: o.env };
    const { command, sudo } = o.become ? becomeWrap(script, o.become, io) : { command: runCommand(script.text, o), sudo: undefined };
    const s = this.sentinel;
    // One brace group: sh reads all of it before running any of it, so the only thing left
    // on the channel while the script runs is what we write for sudo.
    const text = `{\n${command}\nprintf '%s %d\\n' ${s} "$?"; printf '%s\\n' ${s} >&2\n}\n`;
    return { frame: Buffer.from(text, 'latin1'), ...(sudo && { sudo }) };
  }

  private run(script: Shell, o: ExecOptions): Promise<ExecResult> {
    if (this.dead) return Promise.reject(this.dead);
    if (o.signal?.aborted) return Promise.reject(new Error(`${this.where}: aborted before the script started`));
    let framed: ReturnType<SshConnection['frame']>;
    try {
      framed = this.frame(script, o);
    } catch (e) {
      return Promise.reject(e);
    }
    const { frame, sudo } = framed;
    const seq = ++this.execCount;
    return new Promise<ExecResult>((resolve, reject) => {
      const out = new EndReader(this.sentinel);
      const err = new EndReader(this.sentinel);
      let stopSudo = false;
      const timer = o.timeoutMs
        ? setTimeout(() => this.abandon(new Error(`${this.where}: script did not finish within ${o.timeoutMs} ms; it was killed and the connection closed`)), o.timeoutMs)
        : undefined;
      const onAbort = () => this.abandon(new Error(`${this.where}: script aborted; it was killed and the connection closed`));
      o.signal?.addEventListener('abort', onAbort, { once: true });
      const done = () => {
        clearTimeout(timer);
        o.signal?.removeEventListener('abort', onAbort);
        this.current = undefined;
      };
      const finish = () => {
        if (!out.done || !err.done) return;
        done();
        const r = { code: Number(out.trailer?.trim()), stdout: out.body!.toString('utf8'), stderr: err.body!.toString('utf8') };
        resolve({ ...(sudo ? sudo.finish(r) : r), seq });
      };
      this.current = {
        stdout: (c) => out.push(c) && finish(),
        stderr: (c) => {
          if (sudo) {
            // The password goes to sudo only at its first prompt; a prompt we cannot answer
            // (wrong or no password) gets sudo stopped rather than answered with anything.
            const seen = sudo.scan(c);
            const answer = seen.prompts > 0 ? sudo.answer() : undefined;
            if (answer !== undefined) this.shell?.write(answer);
            else if (seen.prompts > 0) stopSudo = true;
            if (stopSudo && sudo.pid) {
              stopSudo = false;
              this.signalRemote(sudo.pid);
            }
          }
          if (err.push(c)) finish();
        },
        fail: (e) => {
          done();
          reject(e);
        },
      };
      this.shell!.write(frame);
    });
  }

  /** A script that overran or was aborted: the shell is busy with unknown state, so fail it and drop the connection. */
  private abandon(e: Error): void {
    this.current?.fail(e);
    this.shutdown(new UnreachableError(`${this.where}: connection closed after a script timed out or was aborted`, 'closed'), 'kill');
  }

  /**
   * Ends the connection. The shell's process group is killed first when a script may still run
   * ('kill'); or, when we close it at rest ('park': started, no script running, and none can
   * start once `dead` is set), a kept connection's keeper keeps the shell for the next run.
   */
  private shutdown(reason: UnreachableError, shell: 'kill' | 'park' | 'leave' = 'leave'): void {
    if (this.dead) return;
    const atRest = shell === 'park' && this.started && !this.current && !this.closed;
    this.dead = reason;
    this.current?.fail(reason);
    this.teardown = (async () => {
      if (shell === 'kill' && this.shellPid > 0) await this.killRemoteGroup().catch(() => undefined);
      if (atRest) await this.shell?.park?.();
      if (this.closed) return;
      await new Promise<void>((resolve) => {
        this.client.once('close', resolve);
        setTimeout(resolve, 2000).unref();
        this.client.end();
      });
    })();
  }

  /** Best effort, at most ~3 s: a fresh channel that kills what the busy shell is running. */
  private killRemoteGroup(): Promise<void> {
    return this.runSide(sh`sh -c ${KILL_GROUP} sh ${this.shellPid}`.text, 3000);
  }

  /** Stops a sudo waiting for a password we will not give (it is ours: same real uid). */
  private signalRemote(pid: number): void {
    void this.runSide(sh`kill -TERM ${pid}`.text, 3000);
  }

  /** Runs a command on a channel of its own, beside the busy shell; never rejects. */
  private runSide(command: string, capMs: number): Promise<void> {
    return new Promise((resolve) => {
      const cap = setTimeout(resolve, capMs);
      this.channelsOpened++;
      this.client.exec(command, (err, ch) => {
        if (!ch) return resolve();
        ch.on('close', () => {
          clearTimeout(cap);
          resolve();
        });
        ch.resume();
        ch.stderr.resume();
      });
    });
  }

  async close(): Promise<void> {
    this.shutdown(new UnreachableError(`${this.where}: connection was closed`, 'closed'), 'park');
    await this.teardown;
  }
}
