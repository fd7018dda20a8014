import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { loadPlaybook } from '../../src/config/playbook-loader.js';
import { ModuleRegistry } from '../../src/modules/registry.js';
import { ConnectionPool } from '../../src/connection/pool.js';
import { parseIniInventory } from '../../src/inventory/ini.js';
import type { HostCounters, Reporter, RunEvent } from '../../src/model/events.js';
import type { RunOptions } from '../../src/engine/context.js';
import { runPlaybooks } from '../../src/engine/playbook-runner.js';
import { newRunContext } from '../../src/engine/session.js';

export interface EngineRun {
  exitCode: number;
  recap: Record<string, HostCounters>;
  events: RunEvent[];
  /** host_result events as `host:status[:item]` strings, in order. */
  lines: string[];
  dir: string;
}

/**
 * Runs a playbook given as text through the real engine. The default inventory is hosts
 * h1..h3 on the local connection (each task runs with the controller's `sh`).
 */
export async function runPlaybookText(
  yaml: string,
  /** files: more files beside the playbook (paths may have directories: roles/x/tasks/main.yml). */
  opts: { inventory?: string; options?: Partial<RunOptions>; files?: Record<string, string>; connections?: ConnectionPool } = {},
): Promise<EngineRun> {
  const dir = mkdtempSync(join(tmpdir(), 'oasis-engine-'));
  for (const [name, text] of Object.entries(opts.files ?? {})) {
    mkdirSync(dirname(join(dir, name)), { recursive: true });
    writeFileSync(join(dir, name), text.replaceAll('$DIR', dir));
  }
  const file = join(dir, 'play.yml');
  writeFileSync(file, yaml.replaceAll('$DIR', dir));
  const modules = new ModuleRegistry();
  const playbook = await loadPlaybook(file, modules);
  const inventory = parseIniInventory(opts.inventory ?? '[local]\nh1\nh2\nh3\n[local:vars]\nansible_connection=local\n', 'hosts.ini');
  const events: RunEvent[] = [];
  const reporter: Reporter = { event: (e) => events.push(e), close: async () => {} };
  const options: RunOptions = { check: false, diff: false, forks: 25, tags: { only: [], skip: [] }, extraVars: {}, verbosity: 0, ...opts.options };
  const connections = opts.connections ?? new ConnectionPool({ hostKeyChecking: 'yes', connectTimeoutMs: 5000 });
  const ctx = newRunContext({ inventory, options, reporter, modules, connections });
  const exitCode = await runPlaybooks(ctx, [playbook]).finally(() => connections.closeAll());
  const recap = (events.find((e) => e.type === 'recap') as Extract<RunEvent, { type: 'recap' }>).hosts;
  const lines = events.flatMap((e) => (e.type === 'host_result' ? [`${e.host}:${e.status}${e.item !== undefined ? `:${e.item}` : ''}`] : []));
  return { exitCode, recap, events, lines, dir };
}

/** `ok=1 changed=0 ...` in recap order, compact for table tests. */
export function counters(c: HostCounters | undefined): string {
  if (!c) return 'absent';
  return `ok=${c.ok} changed=${c.changed} unreachable=${c.unreachable} failed=${c.failed} skipped=${c.skipped} rescued=${c.rescued} ignored=${c.ignored}`;
}
