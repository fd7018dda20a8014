import { homedir, userInfo } from 'node:os';
import { join } from 'node:path';
import type { KeeperLink } from './keeper/link.js';
import { LocalConnection } from './local.js';
import { connectSsh } from './ssh.js';
import type { Connection, SshTarget } from './types.js';

export interface PoolOptions {
  knownHostsFile?: string;
  hostKeyChecking: SshTarget['hostKeyChecking'];
  connectTimeoutMs: number;
  /** Lease SSH connections from the keeper, which holds them for the next run; else each run connects itself. */
  keeper?: KeeperLink;
}

/** The connection variables of one host, as Ansible names them (already rendered). */
export interface ConnectionVars {
  name: string;
  ansible_connection?: unknown;
  ansible_host?: unknown;
  ansible_port?: unknown;
  ansible_user?: unknown;
  ansible_ssh_private_key_file?: unknown;
  ansible_password?: unknown;
  ansible_ssh_pass?: unknown;
  ansible_ssh_timeout?: unknown;
}

/** One connection per distinct target for the whole run, opened on first use. */
export class ConnectionPool {
  private readonly open = new Map<string, Promise<Connection>>();

  constructor(private readonly options: PoolOptions) {}

  get(v: ConnectionVars): Promise<Connection> {
    const kind = String(v.ansible_connection ?? (v.name === 'localhost' ? 'local' : 'ssh'));
    if (kind === 'local') return this.cached(`local`, async () => new LocalConnection(v.name));
    if (kind !== 'ssh' && kind !== 'paramiko' && kind !== 'smart') {
      return Promise.reject(new Error(`connection type '${kind}' is not supported (use ssh or local)`));
    }
    const target: SshTarget = {
      name: v.name,
      host: String(v.ansible_host ?? v.name),
      port: Number(v.ansible_port ?? 22),
      user: String(v.ansible_user ?? userInfo().username),
      knownHostsFile: this.options.knownHostsFile ?? join(homedir(), '.ssh', 'known_hosts'),
      hostKeyChecking: this.options.hostKeyChecking,
      connectTimeoutMs: v.ansible_ssh_timeout ? Number(v.ansible_ssh_timeout) * 1000 : this.options.connectTimeoutMs,
    };
    if (v.ansible_ssh_private_key_file) target.privateKeyFile = String(v.ansible_ssh_private_key_file).replace(/^~(?=\/)/, homedir());
    const password = v.ansible_password ?? v.ansible_ssh_pass;
    if (password !== undefined) target.password = String(password);
    // The run's agent, decided here: a connection made by the keeper must not use the keeper's.
    if (process.env.SSH_AUTH_SOCK) target.agentSocket = process.env.SSH_AUTH_SOCK;
    return this.cached(`${target.user}@${target.host}:${target.port}`, () => connectSsh(target, this.options.keeper));
  }

  private cached(key: string, make: () => Promise<Connection>): Promise<Connection> {
    let c = this.open.get(key);
    if (!c) {
      c = make();
      this.open.set(key, c);
    }
    return c;
  }

  async closeAll(): Promise<void> {
    const all = [...this.open.values()];
    this.open.clear();
    await Promise.allSettled(all.map(async (c) => (await c).close()));
  }
}
