// The SSH options every connecting command shares (--known-hosts, --host-key-checking,
// --timeout, --persist), turned into what connection pools and discovery take.
import { userInfo } from 'node:os';
import { KeeperLink, keeperDir } from '../connection/keeper/link.js';
import type { PoolOptions } from '../connection/pool.js';
import { numberOption } from './number-option.js';

export interface SshCliOptions {
  knownHosts?: string;
  hostKeyChecking: 'yes' | 'accept-new' | 'no';
  timeout: string;
  /** Seconds the keeper holds connections after the command; 0: no keeper. */
  persist?: string;
}

const seconds = (value: string, flag: string, min: number) => numberOption(value, flag, min, 'a number of seconds');

/** The keeper of this user (its directory from the environment), or none with --persist 0. */
function keeperFor(persist: string | undefined, warn: (message: string) => void): KeeperLink | undefined {
  const idle = seconds(persist ?? '0', '--persist', 0);
  if (idle === 0) return undefined;
  return new KeeperLink({ dir: keeperDir(process.env, userInfo().uid), idleMs: idle * 1000, command: [process.execPath, process.argv[1]!], warn });
}

export function sshOptions(o: SshCliOptions, warn = (m: string) => process.stderr.write(`[WARNING]: ${m}\n`)): PoolOptions {
  const keeper = keeperFor(o.persist, warn);
  return {
    ...(o.knownHosts !== undefined && { knownHostsFile: o.knownHosts }),
    hostKeyChecking: o.hostKeyChecking,
    connectTimeoutMs: seconds(o.timeout, '--timeout', 0.1) * 1000,
    ...(keeper && { keeper }),
  };
}
