import { splitLines } from '../lib-cmd/run.js';
import type { ModuleContext, ModuleResult } from '../types.js';
import { actionScript, aptChanged, parseAction, type AptAction } from './apt-action.js';
import { parsePkgSpecs } from './apt-names.js';
import { planApt, statusOf, type AptState } from './apt-plan.js';
import { parseProbe, probeScript } from './apt-probe.js';
import { newMarker } from './frame.js';

export interface AptArgs {
  name?: string | (string | number)[];
  state?: AptState;
  update_cache?: boolean;
  cache_valid_time?: number;
  install_recommends?: boolean;
  purge?: boolean;
  autoremove?: boolean;
}

/** Which module is asking: `package` explains a missing apt differently. */
export type AptFront = 'apt' | 'package';

const fail = (msg: string, extra: Record<string, unknown> = {}): ModuleResult => ({ changed: false, failed: true, msg, ...extra });

function noApt(manager: string, front: AptFront): ModuleResult {
  if (front === 'package') {
    return manager === 'none'
      ? fail('Could not detect which package manager to use: none of apt, apk, dnf, yum, zypper, pacman, opkg was found on the target')
      : fail(`package manager '${manager}' is not supported yet (only apt is)`);
  }
  return fail(`apt-get was not found on the target: the apt module needs a Debian-style system${manager === 'none' ? '' : ` (this one uses ${manager})`}`);
}

/**
 * ansible.builtin.apt: one round trip to update the cache if asked and read what is installed
 * and available, a second only when something differs (apt-get -s in check mode).
 */
export async function runApt(args: AptArgs, ctx: ModuleContext, front: AptFront = 'apt'): Promise<ModuleResult> {
  const specs = parsePkgSpecs(args.name);
  if (typeof specs === 'string') return fail(specs);
  const state = args.state ?? 'present';
  const update = Boolean(args.update_cache) || (args.cache_valid_time ?? 0) > 0; // Ansible: either one updates
  if (specs.length === 0 && !update && !args.autoremove) return fail('one of the following is required: name, update_cache, autoremove');

  const marker = newMarker();
  const res = await ctx.exec(probeScript({ names: specs, update, cacheValidTime: args.cache_valid_time ?? 0, check: ctx.check }, marker));
  const probe = parseProbe(res, marker);
  if (probe.kind === 'no-apt') return noApt(probe.manager, front);
  if (probe.kind === 'update-failed') {
    const { rc, stdout, stderr } = probe.capture;
    return fail(`Failed to update apt cache: ${(stderr.trim() || stdout.trim() || 'unknown reason')}`, { rc, stdout, stderr });
  }
  if (probe.kind === 'broken') return fail(`could not inspect packages on the target: ${probe.stderr.trim() || `exit code ${probe.rc}`}`, { rc: probe.rc, stdout: probe.stdout, stderr: probe.stderr });

  const stale = probe.cache === 'stale';
  const base = { cache_updated: probe.cache === 'updated', cache_update_time: probe.cacheTime };
  const flags = { simulate: ctx.check, purge: args.purge, autoremove: args.autoremove, installRecommends: args.install_recommends };

  let action: AptAction;
  let diff: ModuleResult['diff'];
  if (specs.length === 0) {
    if (!args.autoremove) return { changed: base.cache_updated || stale, ...base, ...(stale ? { msg: 'The apt cache would be updated' } : {}) };
    action = { op: 'autoremove', targets: [], ...flags };
  } else {
    const pkgs = statusOf(specs, probe.dpkg, probe.candidates);
    const plan = planApt(pkgs, state, { purge: args.purge, cacheStale: stale });
    if (plan.error) return fail(plan.error, base);
    if (!plan.op) return { changed: false, ...base };
    if (ctx.diff) diff = { before: plan.before.map((l) => `${l}\n`).join(''), after: plan.after.map((l) => `${l}\n`).join('') };
    // Names apt will only learn from the pending update cannot be simulated against the old cache.
    if (stale && plan.op === 'install' && pkgs.some((p) => !p.known)) {
      return { changed: true, ...base, msg: 'Packages would be installed after updating the apt cache', ...(diff ? { diff } : {}) };
    }
    action = { op: plan.op, targets: plan.targets, ...flags };
  }

  return { ...(await runAction(action, ctx, marker)), ...base, ...(diff ? { diff } : {}) };
}

/** The second round trip: apt-get itself; Ansible's result fields and its failure message. */
async function runAction(action: AptAction, ctx: ModuleContext, marker: string): Promise<ModuleResult> {
  const out = await ctx.exec(actionScript(action, marker));
  const cap = parseAction(out.stdout, marker);
  if (!cap) return fail(`apt-get did not run: ${out.stderr.trim() || `exit code ${out.code}`}`, { rc: out.code, stdout: out.stdout, stderr: out.stderr });
  const outputs = { stdout: cap.stdout, stderr: cap.stderr, stdout_lines: splitLines(cap.stdout), stderr_lines: splitLines(cap.stderr) };
  if (cap.rc !== 0) {
    const cmd = ['apt-get', action.op, ...action.targets].join(' ');
    return fail(`'${cmd}' failed: ${cap.stderr.trim() || cap.stdout.trim()}`, { rc: cap.rc, ...outputs });
  }
  return { changed: aptChanged(cap.stdout), ...outputs };
}
