// A run's way to the keeper: where its socket is, and starting it (detached) when none answers.
// When connections cannot be kept (an unsafe socket directory, a keeper that will not start),
// the run says why once and connects directly.
import { spawn } from 'node:child_process';
import { lstatSync, mkdirSync, openSync, closeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { SshTarget } from '../types.js';
import { answers, KeptClient, NoKeeperError } from './kept-client.js';
import { WIRE_VERSION } from './wire.js';

export interface KeeperLinkOptions {
  /** Directory of the keeper's socket and log (see keeperDir). */
  dir: string;
  /** How long a connection stays open after the last run that used it. */
  idleMs: number;
  /** How to start the keeper: the oasis-play CLI (node and its script); `__keeper SOCKET IDLE_MS` is added. */
  command: string[];
  warn: (message: string) => void;
}

const START_TIMEOUT_MS = 10_000;

/** The socket of the keeper that speaks this wire protocol (after an upgrade that changes it, a
 * new keeper starts beside the old one, which exits once idle). */
export function keeperSocket(dir: string): string {
  return join(dir, `keeper-${WIRE_VERSION}.sock`);
}

/** `$XDG_RUNTIME_DIR/oasis-play`, else `<tmpdir>/oasis-play-<uid>` (as tmux does). */
export function keeperDir(env: NodeJS.ProcessEnv, uid: number): string {
  return env.XDG_RUNTIME_DIR ? join(env.XDG_RUNTIME_DIR, 'oasis-play') : join(tmpdir(), `oasis-play-${uid}`);
}

/** Makes the directory, or checks that the one there is ours alone: its socket lends our SSH connections. */
function ensurePrivateDir(dir: string): void {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const st = lstatSync(dir);
  const uid = process.getuid?.();
  if (!st.isDirectory()) throw new Error(`${dir} is not a directory`);
  if (uid !== undefined && st.uid !== uid) throw new Error(`${dir} belongs to uid ${st.uid}, not to this user (${uid})`);
  if ((st.mode & 0o077) !== 0) throw new Error(`${dir} is open to other users (mode ${(st.mode & 0o777).toString(8)}); it must be 0700`);
}

export class KeeperLink {
  private running?: Promise<void>;
  private unusable = false;

  constructor(private readonly o: KeeperLinkOptions) {}

  get socketPath(): string {
    return keeperSocket(this.o.dir);
  }

  /** Starts the keeper now if none answers, so that the run does not wait for it at its first connection. */
  prepare(): void {
    this.running ??= this.ensureRunning();
  }

  /** A lease on the kept connection to the target; undefined when connections cannot be kept (the run connects itself). */
  async lease(target: SshTarget): Promise<KeptClient | undefined> {
    // The keeper runs elsewhere (in /, for every command): paths are this command's, made absolute.
    const paths = {
      knownHostsFile: resolve(target.knownHostsFile),
      ...(target.privateKeyFile !== undefined && { privateKeyFile: resolve(target.privateKeyFile) }),
      ...(target.agentSocket !== undefined && { agentSocket: resolve(target.agentSocket) }),
    };
    const request = { target: { ...target, ...paths }, idleMs: this.o.idleMs };
    for (let attempt = 0; ; attempt++) {
      const running = (this.running ??= this.ensureRunning());
      await running;
      if (this.unusable) return undefined;
      try {
        return await KeptClient.lease(this.socketPath, request);
      } catch (e) {
        if (!(e instanceof NoKeeperError)) throw e;
        // The keeper went away since (it had been idle long enough): start another, once.
        if (attempt > 0) return this.giveUp(`the keeper at ${this.socketPath} does not answer: ${e.message}`);
        if (this.running === running) this.running = undefined;
      }
    }
  }

  private async ensureRunning(): Promise<void> {
    try {
      // Checked before any socket there is used, not only before starting one: a socket in a
      // directory others may write to could be anyone's, and it would get our SSH connections.
      ensurePrivateDir(this.o.dir);
      if (!(await answers(this.socketPath))) await this.start();
    } catch (e) {
      this.giveUp((e as Error).message);
    }
  }

  private giveUp(why: string): undefined {
    if (!this.unusable) this.o.warn(`SSH connections will not be kept for the next run: ${why}`);
    this.unusable = true;
    return undefined;
  }

  /** Spawns a detached keeper and waits until it listens. */
  private async start(): Promise<void> {
    const log = openSync(join(this.o.dir, 'keeper.log'), 'a', 0o600);
    const [command, ...args] = this.o.command;
    const child = spawn(command!, [...args, '__keeper', this.socketPath, String(this.o.idleMs)], { detached: true, stdio: ['ignore', 'pipe', log], cwd: '/' });
    closeSync(log);
    await new Promise<void>((resolve, reject) => {
      let said = '';
      const timer = setTimeout(() => reject(new Error(`the keeper did not start within ${START_TIMEOUT_MS / 1000} s (see ${join(this.o.dir, 'keeper.log')})`)), START_TIMEOUT_MS);
      child.stdout!.on('data', (d: Buffer) => {
        said += d.toString();
        if (!said.includes('ready\n')) return;
        clearTimeout(timer);
        resolve();
      });
      child.once('error', (e) => reject(new Error(`cannot start the keeper: ${e.message}`)));
      child.once('exit', (code) => reject(new Error(`the keeper exited (code ${code}) before it was ready; see ${join(this.o.dir, 'keeper.log')}`)));
    }).finally(() => {
      child.stdout!.destroy();
      child.removeAllListeners('exit');
      child.unref();
    });
  }
}
