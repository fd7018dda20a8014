import { randomBytes } from 'node:crypto';
import { isAbsolute, join } from 'node:path';
import type { Play, Playbook } from '../model/playbook.js';
import { UserError } from '../model/source.js';
import { emptyCounters } from '../model/events.js';
import { selectHosts } from '../inventory/patterns.js';
import type { HostState, RunContext } from './context.js';
import { checkNotifyTargets, runBatch } from './play-runner.js';
import { loadVarsFile } from './local-modules.js';
import { hostVars } from './host-vars.js';
import { renderPlayHeader } from './play-header.js';
import { looksTemplated } from '../template/hints.js';
import { EXIT } from './exit-codes.js';

/** A fresh, unguessable `{{ omit }}` placeholder for one run. */
export function omitPlaceholder(): string {
  return `__omit_place_holder__${randomBytes(20).toString('hex')}`;
}

/** Lazily computed hostvars: reading hostvars['node2'] merges that host's variables on demand. */
export function makeHostvars(ctx: Pick<RunContext, 'inventory'> & Partial<RunContext>, get: () => RunContext): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const name of ctx.inventory.hosts.keys()) {
    Object.defineProperty(out, name, { enumerable: true, get: () => hostVars(get(), name) });
  }
  return out;
}

/** Runs every play of every playbook; returns Ansible's exit code. */
export async function runPlaybooks(ctx: RunContext, playbooks: Playbook[]): Promise<number> {
  const started = Date.now();
  for (const pb of playbooks) for (const play of pb.plays) checkNotifyTargets(play);
  outer: for (const pb of playbooks) {
    ctx.reporter.event({ type: 'playbook_start', file: pb.file });
    for (const play of pb.plays) {
      if (await runPlay(ctx, play)) break outer;
    }
  }
  const hosts = Object.fromEntries([...ctx.hosts.values()].sort((a, b) => a.name.localeCompare(b.name)).map((h) => [h.name, h.counters]));
  const states = [...ctx.hosts.values()];
  const exitCode = states.some((h) => h.unreachable) ? EXIT.unreachable : states.some((h) => h.failed) ? EXIT.failed : EXIT.ok;
  ctx.reporter.event({ type: 'recap', hosts, exitCode, durationMs: Date.now() - started });
  return exitCode;
}

/** Returns true when the playbook must stop (a fatal error, or every host of a batch failed). */
async function runPlay(ctx: RunContext, play: Play): Promise<boolean> {
  // --start-at-task found in an earlier play: this play runs from its start.
  if (ctx.startAt.started.size > 0) ctx.startAt.name = undefined;
  const warn = (message: string) => ctx.reporter.event({ type: 'warning', message });
  const header = renderPlayHeader(play, { templates: ctx.templates, extraVars: ctx.options.extraVars, groups: ctx.groups });
  play = { ...play, ...header };
  let hosts = selectHosts(ctx.inventory, ctx.groups, play.hosts, { warn });
  if (ctx.options.limit) {
    const allowed = new Set(selectHosts(ctx.inventory, ctx.groups, ctx.options.limit, { limit: true }));
    hosts = hosts.filter((h) => allowed.has(h));
  }
  for (const h of hosts) if (!ctx.hosts.has(h)) ctx.hosts.set(h, newHostState(h));
  hosts = hosts.filter((h) => !ctx.hosts.get(h)!.failed && !ctx.hosts.get(h)!.unreachable);
  ctx.reporter.event({ type: 'play_start', name: play.name, hosts });
  if (hosts.length === 0) {
    ctx.reporter.event({ type: 'warning', message: `no hosts matched '${play.hosts}'${ctx.options.limit ? ` with limit '${ctx.options.limit}'` : ''}; skipping play '${play.name}'` });
    ctx.reporter.event({ type: 'play_end', name: play.name });
    return false;
  }
  const varsFiles = await loadPlayVarsFiles(ctx, play, hosts);
  let stop = false;
  for (const batch of batches(hosts, play.serial)) {
    const active = batch.filter((h) => !ctx.hosts.get(h)!.failed && !ctx.hosts.get(h)!.unreachable);
    if (active.length === 0) continue;
    stop = await runBatch(ctx, play, active, hosts, varsFiles);
    const allFailed = active.every((h) => ctx.hosts.get(h)!.failed || ctx.hosts.get(h)!.unreachable);
    if (stop || allFailed) {
      stop = true;
      break;
    }
  }
  ctx.reporter.event({ type: 'play_end', name: play.name });
  return stop;
}

function newHostState(name: string): HostState {
  return { name, facts: {}, includedVars: {}, gathered: {}, counters: emptyCounters(), failed: false, unreachable: false, notified: new Set() };
}

/** serial: a number, a percentage, or a list of them (the last size repeats). */
export function batches(hosts: string[], serial: (number | string)[]): string[][] {
  if (serial.length === 0) return [hosts];
  const sizes = serial.map((s) => {
    const str = String(s).trim();
    const n = str.endsWith('%') ? Math.floor((Number(str.slice(0, -1)) * hosts.length) / 100) : Number(str);
    return Math.max(1, n);
  });
  const out: string[][] = [];
  let i = 0;
  for (let b = 0; i < hosts.length; b++) {
    const size = sizes[Math.min(b, sizes.length - 1)]!;
    out.push(hosts.slice(i, i + size));
    i += size;
  }
  return out;
}

/**
 * vars_files for each host of the play: a path may name host variables (`"{{ os }}.yml"`), so
 * it is rendered per host, as Ansible does; each distinct file is read once. In a list of
 * candidates, the first that exists is taken.
 */
async function loadPlayVarsFiles(ctx: RunContext, play: Play, hosts: string[]): Promise<Map<string, Record<string, unknown>>> {
  const byHost = new Map<string, Record<string, unknown>>();
  const files = new Map<string, Promise<Record<string, unknown> | undefined>>();
  const read = (path: string) => {
    let loaded = files.get(path);
    if (!loaded) files.set(path, (loaded = loadVarsFile(path).catch((e: unknown) => (e instanceof UserError && e.message.includes('ENOENT') ? undefined : Promise.reject(e)))));
    return loaded;
  };
  for (const host of hosts) {
    const merged: Record<string, unknown> = {};
    let vars: Record<string, unknown> | undefined;
    for (const vf of play.varsFiles) {
      // Host variables are merged only for a path that names some (most vars_files are plain paths).
      const templated = looksTemplated(JSON.stringify(vf.path));
      const rendered = templated ? ctx.templates.renderDeep(vf.path, (vars ??= { ...hostVars(ctx, host), ...play.vars, ...ctx.options.extraVars }), vf.pos) : vf.path;
      const candidates = (Array.isArray(rendered) ? rendered.map(String) : [String(rendered)]).map((c) => (isAbsolute(c) ? c : join(play.dir, c)));
      let loaded: Record<string, unknown> | undefined;
      try {
        for (const path of candidates) if ((loaded = await read(path))) break;
      } catch (e) {
        throw new UserError(`vars_files: ${(e as Error).message}`, vf.pos);
      }
      if (!loaded) throw new UserError(`vars_files: none of ${candidates.join(', ')} exists (for host ${host})`, vf.pos);
      Object.assign(merged, loaded);
    }
    byHost.set(host, merged);
  }
  return byHost;
}
