/**
 * The common file arguments (mode, owner, group): what would change for a path, and the
 * commands that change it. Decided in TypeScript from the probed stat, so check mode is exact.
 */
import { lines, sh, type Shell } from '../../shell/sh.js';
import type { JsonSchema, ModuleContext } from '../types.js';
import { finalStatScript, parseFinalStat, type StatInfo } from './inspect.js';
import { applyMode, chmodArg, formatMode, parseMode } from './mode.js';

export interface AttrArgs {
  mode?: string | number;
  owner?: string | number;
  group?: string | number;
}

/** What to change; fields are absent when nothing changes. */
export interface AttrPlan {
  mode?: number;
  owner?: string;
  group?: string;
  /** Text lines for --diff, e.g. "mode: 0644". */
  before: string[];
  after: string[];
}

/** JSON Schema properties shared by every module that takes the common file arguments. */
export const ATTR_SCHEMA: Record<string, JsonSchema> = {
  mode: {
    type: ['string', 'integer'],
    description:
      "Permissions: octal ('0644', '644') or symbolic like chmod ('u=rw,g=r,o=r', 'u+x', 'a=rX'). A YAML number is taken as the mode's value (unquoted 0644 is octal in YAML 1.1); quote modes to be safe.",
  },
  owner: { type: ['string', 'integer'], description: 'User that should own the file (name or uid).' },
  group: { type: ['string', 'integer'], description: 'Group that should own the file (name or gid).' },
};

/** Validates `mode` early so a typo fails before anything happens. Returns an error message or undefined. */
export function checkModeArg(mode: string | number | undefined): string | undefined {
  if (mode === undefined) return undefined;
  try {
    parseMode(mode);
    return undefined;
  } catch (e) {
    return (e as Error).message;
  }
}

function ownerMatches(want: string, name: string, id: number): boolean {
  return /^\d+$/.test(want) ? Number(want) === id : want === name;
}

/**
 * Compares the wanted attributes with `current` (the followed stat of an existing path).
 * `mode` must have been validated (checkModeArg) — an invalid mode is a programming error here.
 */
export function planAttrs(args: AttrArgs, current: StatInfo, umask: number): AttrPlan {
  const plan: AttrPlan = { before: [], after: [] };
  if (args.owner !== undefined && !ownerMatches(String(args.owner), current.owner, current.uid)) {
    plan.owner = String(args.owner);
    plan.before.push(`owner: ${current.owner}`);
    plan.after.push(`owner: ${plan.owner}`);
  }
  if (args.group !== undefined && !ownerMatches(String(args.group), current.group, current.gid)) {
    plan.group = String(args.group);
    plan.before.push(`group: ${current.group}`);
    plan.after.push(`group: ${plan.group}`);
  }
  if (args.mode !== undefined) {
    const target = applyMode(parseMode(args.mode), current.mode, { isDir: current.type === 'directory', umask });
    if (target !== current.mode) {
      plan.mode = target;
      plan.before.push(`mode: ${formatMode(current.mode)}`);
      plan.after.push(`mode: ${formatMode(target)}`);
    }
  }
  return plan;
}

export function planChanges(plan: AttrPlan): boolean {
  return plan.mode !== undefined || plan.owner !== undefined || plan.group !== undefined;
}

/**
 * Commands applying a plan to "$p"-style path `path` (chown before chmod: chown may clear setuid).
 * `noFollow` changes a symlink's own ownership (chown -h) and skips chmod, which Linux cannot
 * apply to a link.
 */
export function applyAttrsScript(path: string, plan: AttrPlan, opts: { noFollow?: boolean } = {}): Shell {
  const h = opts.noFollow ? sh`-h` : sh``;
  // `|| exit` so a failed chown is not hidden by a later successful command.
  return lines(
    plan.owner !== undefined && sh`chown ${h} -- ${plan.owner} ${path} || exit 1`,
    plan.group !== undefined && sh`chgrp ${h} -- ${plan.group} ${path} || exit 1`,
    plan.mode !== undefined && !opts.noFollow && sh`chmod -- ${chmodArg(plan.mode)} ${path} || exit 1`,
  );
}

/** The stat a path would have after a plan is applied (for check-mode results). */
export function predictStat(current: StatInfo, plan: AttrPlan): StatInfo {
  const next = { ...current };
  if (plan.mode !== undefined) next.mode = plan.mode;
  if (plan.owner !== undefined) {
    if (/^\d+$/.test(plan.owner)) next.uid = Number(plan.owner);
    else next.owner = plan.owner;
  }
  if (plan.group !== undefined) {
    if (/^\d+$/.test(plan.group)) next.gid = Number(plan.group);
    else next.group = plan.group;
  }
  return next;
}

/** Ansible's common return values for a path. */
export function statResult(st: Partial<StatInfo> | undefined): Record<string, unknown> {
  if (!st) return {};
  const all = { mode: st.mode === undefined ? undefined : formatMode(st.mode), owner: st.owner, group: st.group, uid: st.uid, gid: st.gid, size: st.size };
  // Predicted stats (check mode, new files) know only some fields.
  return Object.fromEntries(Object.entries(all).filter(([, v]) => v !== undefined));
}


/** Applies a plan on the target; resolves to the resulting stat (unless noStat), or an error message naming the path. */
export async function applyAttrs(
  ctx: ModuleContext,
  path: string,
  plan: AttrPlan,
  opts: { noFollow?: boolean; noStat?: boolean } = {},
): Promise<{ ok: true; stat?: StatInfo } | { ok: false; msg: string }> {
  const res = await ctx.exec(lines(applyAttrsScript(path, plan, opts), !opts.noStat && finalStatScript(path, !opts.noFollow)));
  if (res.code !== 0) return { ok: false, msg: `Could not set attributes of ${path}: ${(res.stderr || res.stdout).trim()}` };
  return { ok: true, stat: parseFinalStat(res.stdout) };
}
