import type { Shell } from '../shell/sh.js';

export interface BecomeOptions {
  /** Target user (default root). */
  user: string;
  /** sudo password; written to sudo only after its own prompt appears. Never in argv or logs. */
  password?: string;
}

export interface ExecOptions {
  /** Bytes given to the script on its standard input (otherwise /dev/null). */
  stdin?: string | Buffer;
  become?: BecomeOptions;
  /** Extra environment variables for this script only. */
  env?: Record<string, string>;
  timeoutMs?: number;
  signal?: AbortSignal;
  /**
   * The script leaves the shell as it found it (no exit, cd, trap or export; it unsets what it
   * sets): a persistent shell may run it itself, a process less than apart. Ignored with
   * become, env or stdin.
   */
  inShell?: boolean;
}

export interface ExecResult {
  code: number;
  stdout: string;
  stderr: string;
  /** This script's number on its connection (see Connection.execCount). */
  seq?: number;
}

/** Raised when a host cannot be reached at all (refused, timeout, auth, host key). */
export class UnreachableError extends Error {
  constructor(
    message: string,
    readonly reason: 'refused' | 'timeout' | 'auth' | 'hostkey' | 'closed' | 'other',
  ) {
    super(message);
    this.name = 'UnreachableError';
  }
}

/** One host. Implementations: ssh (one SSH connection + one persistent sh), local. */
export interface Connection {
  readonly host: string;
  /**
   * Scripts started so far. What a script saw on the target is still true while no other has
   * started since (execCount equals its ExecResult.seq), unless something outside changed it.
   */
  readonly execCount: number;
  /** The address:port it reaches, where there is one: two connections there act on one machine. */
  readonly machine?: string;
  /** Runs one script (POSIX sh) and resolves when it has finished. Scripts run one at a time. */
  exec(script: Shell, options?: ExecOptions): Promise<ExecResult>;
  close(): Promise<void>;
}

export interface SshTarget {
  /** Inventory name, for messages. */
  name: string;
  host: string;
  port: number;
  user: string;
  privateKeyFile?: string;
  password?: string;
  /** The ssh-agent to try (the run's $SSH_AUTH_SOCK, set by the pool); none when absent. */
  agentSocket?: string;
  knownHostsFile: string;
  hostKeyChecking: 'yes' | 'accept-new' | 'no';
  connectTimeoutMs?: number;
}
