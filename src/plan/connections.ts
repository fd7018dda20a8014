/**
 * The connection pool of a plan: it never opens anything. The engine asks it for a connection
 * only to gather facts (tasks are planned without one), so it answers the facts script with
 * what the inventory says about the node (`oasis_metadata`) or neutral defaults, and refuses
 * any other command.
 */
import { ConnectionPool, type ConnectionVars } from '../connection/pool.js';
import type { Connection, ExecResult } from '../connection/types.js';
import type { Shell } from '../shell/sh.js';

export class PlanConnections extends ConnectionPool {
  /** Hosts whose facts were asked for (nothing was connected to). */
  readonly factsFor: string[] = [];

  constructor() {
    super({ hostKeyChecking: 'yes', connectTimeoutMs: 0 });
  }

  override get(v: ConnectionVars): Promise<Connection> {
    this.factsFor.push(v.name);
    return Promise.resolve(new PlannedFacts(v.name, (v as unknown as Record<string, unknown>)['oasis_metadata']));
  }

  override async closeAll(): Promise<void> {}
}

class PlannedFacts implements Connection {
  readonly execCount = 0;
  constructor(
    readonly host: string,
    private readonly metadata: unknown,
  ) {}

  exec(script: Shell): Promise<ExecResult> {
    if (!script.text.includes('architecture=')) {
      return Promise.reject(new Error(`plan mode: refusing to run a command on ${this.host}`));
    }
    const m = (typeof this.metadata === 'object' && this.metadata !== null ? this.metadata : {}) as Record<string, any>;
    const facts: Record<string, unknown> = {
      hostname: m['hostname'] ?? this.host,
      fqdn: m['hostname'] ?? this.host,
      architecture: m['arch'] ?? 'x86_64',
      kernel: m['os']?.['kernel'] ?? '',
      system: 'Linux',
      nproc: m['cpu']?.['cores'] ?? 1,
      memtotal_kb: typeof m['memory']?.['totalBytes'] === 'number' ? Math.round(m['memory']['totalBytes'] / 1024) : 1048576,
      user_id: 'root',
      user_uid: 0,
      user_dir: '/root',
      os_id: String(m['os']?.['distro'] ?? 'debian').toLowerCase().split(/\s/)[0],
      os_version: m['os']?.['release'] ?? '',
    };
    const stdout = Object.entries(facts).map(([k, val]) => `${k}=${String(val)}`).join('\n');
    return Promise.resolve({ code: 0, stdout: `${stdout}\n`, stderr: '' });
  }

  close(): Promise<void> {
    return Promise.resolve();
  }
}
