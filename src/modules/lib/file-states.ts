/**
 * The states of the file module, each ported from the matching ensure_* function of Ansible's
 * file module: they look at the probed paths and return the commands that would reach the
 * state (none when it is already reached), the diff lines, and the result fields.
 */
import { lines, raw, sh, type Shell } from '../../shell/sh.js';
import type { ModuleResult } from '../types.js';
import { applyAttrsScript, planAttrs, planChanges, predictStat, type AttrArgs, type AttrPlan } from './attrs.js';
import { planTimes, type TimeSpec } from './file-times.js';
import { stateOf, type Inspection, type StatInfo } from './inspect.js';
import { applyMode, chmodArg, defaultMode, formatMode, parseMode } from './mode.js';
import { ancestors, dirname, joinPath } from './paths.js';
import { fail } from './result.js';
import { assumedByEarlierTask } from './edit-file.js';

export type State = 'file' | 'directory' | 'absent' | 'link' | 'hard' | 'touch';

export interface FileArgs extends AttrArgs {
  path?: string;
  dest?: string;
  name?: string;
  state?: State;
  src?: string;
  recurse?: boolean;
  force?: boolean;
  follow?: boolean;
  modification_time?: string;
  access_time?: string;
}

/** What one state handler decided: the commands to run (none when nothing changes). */
export interface Outcome {
  changed: boolean;
  script: Shell[];
  before: string[];
  after: string[];
  result: Record<string, unknown>;
  /** Path whose stat is reported at the end, and whether to report the link itself. */
  statPath?: string;
  statNoFollow?: boolean;
  /** Stat to report in check mode or when nothing ran. */
  predicted?: StatInfo;
}

export interface Env {
  args: FileArgs;
  path: string;
  follow: boolean;
  force: boolean;
  insp: Inspection;
  mtime: TimeSpec;
  atime: TimeSpec;
  stamps: Map<string, number>;
  check: boolean;
}

/** A missing parent directory fails, except in check mode where an earlier task may create it. */
function parentMissing(env: Env, failure: ModuleResult): ModuleResult {
  const parent = env.insp.paths[2];
  return env.check && !parent?.lstat ? assumedByEarlierTask(dirname(env.path)) : failure;
}

export type Handler = (env: Env) => Outcome | ModuleResult;

/** Paths starting with '-' would be taken for options by find. */
const findable = (p: string) => (p.startsWith('-') ? `./${p}` : p);

/** Attribute and time changes on an existing path, folded into an outcome. */
function settle(env: Env, out: Outcome, st: StatInfo, target: string, noFollow = false): Outcome {
  const plan = planAttrs(env.args, st, env.insp.umask);
  if (noFollow) delete plan.mode; // Linux cannot chmod a symlink itself
  const times = planTimes(target, env.mtime, env.atime, st, env.stamps);
  if (planChanges(plan)) {
    out.changed = true;
    out.script.push(applyAttrsScript(target, plan, { noFollow }));
  }
  if (times.script) out.script.push(times.script);
  out.changed ||= times.changed;
  out.before.push(...plan.before, ...times.before);
  out.after.push(...plan.after, ...times.after);
  out.predicted = predictStat(st, plan);
  return out;
}

/** Attributes for something this run creates: apply whatever was asked, nothing to compare with. */
function createAttrs(env: Env, target: string, isDir: boolean): { script: Shell; stat: Partial<StatInfo> } {
  const base = defaultMode(env.insp.umask, isDir);
  const mode = env.args.mode === undefined ? base : applyMode(parseMode(env.args.mode), base, { isDir, umask: env.insp.umask });
  const plan: AttrPlan = { before: [], after: [] };
  if (env.args.owner !== undefined) plan.owner = String(env.args.owner);
  if (env.args.group !== undefined) plan.group = String(env.args.group);
  if (env.args.mode !== undefined) plan.mode = mode;
  return { script: applyAttrsScript(target, plan), stat: { mode } };
}

const absent: Handler = ({ path, insp }) => {
  const prev = stateOf(insp.paths[0]!.lstat);
  if (prev === 'absent') return { changed: false, script: [], before: [], after: [], result: { path, state: 'absent' } };
  return {
    changed: true,
    script: [prev === 'directory' ? sh`rm -rf -- ${path} || exit 1` : sh`rm -f -- ${path} || exit 1`],
    before: [`state: ${prev}`],
    after: ['state: absent'],
    result: { path, state: 'absent' },
  };
};

const ensureFile: Handler = (env) => {
  const { path, insp, follow } = env;
  const info = insp.paths[0]!;
  const st = info.lstat?.type === 'link' && follow ? info.stat : info.lstat;
  const prev = stateOf(st);
  if (prev !== 'file' && prev !== 'hard') return fail(`file (${path}) is ${prev}, cannot continue`, { path, state: prev });
  return settle(env, { changed: false, script: [], before: [], after: [], result: { path, state: 'file' }, statPath: path }, st!, path);
};

const directory: Handler = (env) => {
  const { path, insp, follow, args } = env;
  const info = insp.paths[0]!;
  const st = info.lstat?.type === 'link' && follow ? info.stat : info.lstat;
  const out: Outcome = { changed: false, script: [], before: [], after: [], result: { path, state: 'directory' }, statPath: path };
  if (info.lstat && !st) return fail(`${path} already exists as a link to a missing target`, { path });
  if (!st) {
    // Like mkdir -p, but each directory created gets the requested mode and owner (as Ansible).
    let created: Partial<StatInfo> = {};
    for (const dir of ancestors(path)) {
      const attrs = createAttrs(env, dir, true);
      // Only a mode to set: mkdir -m sets it as it creates, one process per directory instead of two.
      const modeOnly = env.args.mode !== undefined && env.args.owner === undefined && env.args.group === undefined;
      if (modeOnly) out.script.push(sh`if [ ! -d ${dir} ]; then oasis_x mkdir -m ${chmodArg(attrs.stat.mode!)} -- ${dir} || exit 1; fi`);
      else out.script.push(lines(sh`if [ ! -d ${dir} ]; then oasis_x mkdir -- ${dir} || exit 1`, attrs.script, raw('fi')));
      created = attrs.stat;
    }
    const times = planTimes(path, env.mtime, env.atime, undefined, env.stamps);
    if (times.script) out.script.push(times.script);
    const modeLine = args.mode !== undefined && created.mode !== undefined ? [`mode: ${formatMode(created.mode)}`] : [];
    return { ...out, changed: true, before: ['state: absent'], after: ['state: directory', ...modeLine], predicted: created as StatInfo };
  }
  const prev = stateOf(st);
  if (prev !== 'directory') return fail(`${path} already exists as a ${prev}`, { path });
  if (!args.recurse) return settle(env, out, st, path);

  // Recursive: every entry's target mode is computed here (the same rules as for one file), and
  // applied per group of entries sharing a type and current mode, as an absolute mode. So the
  // result does not depend on the target's chmod dialect (BusyBox differs from coreutils).
  const tree = info.tree?.length ? info.tree : [st];
  const parsed = args.mode === undefined ? undefined : parseMode(args.mode);
  const groups = new Map<string, { isDir: boolean; from: number; to: number }>();
  let owner = false;
  let group = false;
  for (const e of tree) {
    const plan = planAttrs({ ...args, mode: undefined }, e, insp.umask);
    owner ||= plan.owner !== undefined;
    group ||= plan.group !== undefined;
    if (!parsed || e.type === 'link') continue;
    const isDir = e.type === 'directory';
    const to = applyMode(parsed, e.mode, { isDir, umask: insp.umask });
    if (to !== e.mode) groups.set(`${isDir}:${e.mode}`, { isDir, from: e.mode, to });
  }
  // The root is one of the tree's entries: settle only its times here, report its own changes.
  const root = settle({ ...env, args: { ...args, mode: undefined, owner: undefined, group: undefined } }, out, st, path);
  const rootPlan = planAttrs(args, st, insp.umask);
  root.before.unshift(...rootPlan.before);
  root.after.unshift(...rootPlan.after);
  root.predicted = predictStat(st, rootPlan);
  const p = findable(path);
  if (owner) root.script.push(sh`find -H ${p} -exec chown -h -- ${String(args.owner)} {} + || exit 1`);
  if (group) root.script.push(sh`find -H ${p} -exec chgrp -h -- ${String(args.group)} {} + || exit 1`);
  const list = [...groups.values()];
  const chained = list.some((a) => list.some((b) => a.isDir === b.isDir && a.to === b.from));
  const typeOf = (isDir: boolean) => (isDir ? sh`-type d` : sh`! -type d ! -type l`);
  const perm = (m: number) => m.toString(8).padStart(4, '0');
  if (!chained) {
    // One batched find per group: no entry can be picked up twice, as no group's result is
    // another group's starting mode.
    for (const g of list) root.script.push(sh`find -H ${p} ${typeOf(g.isDir)} -perm ${perm(g.from)} -exec chmod -- ${chmodArg(g.to)} {} + || exit 1`);
  } else if (list.length) {
    // Otherwise one pass in which each entry matches exactly one branch (one chmod per entry:
    // BusyBox find cannot batch with {} + inside parentheses).
    const branches = list.map((g) => sh`\\( ${typeOf(g.isDir)} -perm ${perm(g.from)} -exec chmod -- ${chmodArg(g.to)} {} \\; \\)`);
    const alternatives = branches.flatMap((b, i) => (i ? [sh`-o`, b] : [b]));
    root.script.push(sh`find -H ${p} ${alternatives} || exit 1`);
  }
  root.changed ||= owner || group || groups.size > 0;
  if ((owner || group || groups.size > 0) && !root.after.length) {
    root.before.push('contents: unchanged');
    root.after.push('contents: attributes changed');
  }
  return root;
};

/** Create or replace `path` atomically with a link made by `linkCmd` (which writes "$t"). */
function replaceWith(path: string, linkCmd: Shell, prev: string): Shell {
  return lines(
    sh`p=${path}; d=${dirname(path)}`,
    raw(`t=$(mktemp "$d/.\${p##*/}.oasis.XXXXXX") && rm -f -- "$t" || exit 1`),
    sh`${linkCmd} || exit 1`,
    prev === 'directory' && raw(`rmdir -- "$p" || { rm -f -- "$t"; exit 1; }`),
    // mv onto a link to a directory would move into that directory: remove such a link first.
    raw(`if [ -L "$p" ] && [ -d "$p" ]; then rm -f -- "$p"; fi`),
    raw(`oasis_x mv -f -- "$t" "$p" || { rm -f -- "$t"; exit 1; }`),
  );
}

const link: Handler = (env) => {
  const { path, insp, follow, force, args } = env;
  const info = insp.paths[0]!;
  const prev = stateOf(info.lstat);
  let src = args.src;
  if (src === undefined) {
    if (prev !== 'link') return fail('src is required for creating new symlinks', { path });
    src = info.linkTarget!;
  }
  const absrc = src.startsWith('/') ? src : joinPath(dirname(path), src);
  const srcInfo = args.src === undefined ? info : insp.paths[1]!;
  if (!force && !srcInfo.stat) {
    return env.check ? assumedByEarlierTask(absrc) : fail(`src file does not exist, use "force=yes" if you really want to create the link: ${absrc}`, { path, src });
  }
  if (prev === 'directory') {
    if (!force) return fail(`refusing to convert from directory to symlink for ${path}`, { path });
    if (!info.empty) return fail(`the directory ${path} is not empty, refusing to convert it`, { path });
  } else if ((prev === 'file' || prev === 'hard') && !force) {
    return fail(`refusing to convert from ${prev} to symlink for ${path}`, { path });
  }
  const out: Outcome = { changed: false, script: [], before: [], after: [], result: { dest: path, src, state: 'link' }, statPath: path, statNoFollow: !follow };
  if (prev !== 'link' || info.linkTarget !== src) {
    if (prev === 'absent' && insp.paths[2]?.stat?.type !== 'directory') return parentMissing(env, fail(`Error while linking: directory ${dirname(path)} does not exist`, { path, src }));
    out.changed = true;
    out.script.push(prev === 'absent' ? sh`oasis_x ln -s -- ${src} ${path} || exit 1` : replaceWith(path, sh`oasis_x ln -s -- ${src} "$t"`, prev));
    out.before.push(`state: ${prev}`, ...(prev === 'link' ? [`src: ${info.linkTarget}`] : []));
    out.after.push('state: link', `src: ${src}`);
  }
  // Attributes go to what the link points to when following (skipped if that does not exist),
  // else to the link itself (owner and group only: Linux has no mode on a link).
  if (!follow && out.changed) {
    const own: AttrPlan = { before: [], after: [] };
    if (args.owner !== undefined) own.owner = String(args.owner);
    if (args.group !== undefined) own.group = String(args.group);
    out.script.push(applyAttrsScript(path, own, { noFollow: true }));
    return out;
  }
  const target = follow ? srcInfo.stat : info.lstat;
  if (!target) {
    out.statNoFollow = true;
    return out;
  }
  return settle(env, out, target, path, !follow);
};

const hard: Handler = (env) => {
  const { insp, force, args } = env;
  if (args.src === undefined) return fail('src is required for creating new hardlinks', { path: env.path });
  const srcInfo = insp.paths[1]!;
  if (!srcInfo.stat) return fail('src does not exist', { dest: env.path, src: args.src });
  let info = insp.paths[0]!;
  let path = env.path;
  if (info.lstat?.type === 'directory') {
    info = insp.paths[3]!; // Ansible puts the link inside an existing directory, named after src
    path = info.path;
  }
  const prev = stateOf(info.lstat);
  const out: Outcome = { changed: false, script: [], before: [], after: [], result: { dest: path, src: args.src, state: 'hard' }, statPath: path };
  const same = info.lstat && info.lstat.type !== 'link' && info.lstat.inode === srcInfo.stat.inode && info.lstat.dev === srcInfo.stat.dev;
  if (!same) {
    if (prev === 'directory') return fail(`Cannot link: ${path} is a directory`, { dest: path, src: args.src });
    if (prev === 'hard' && !force) return fail('Cannot link, different hard link exists at destination', { dest: path, src: args.src });
    if (prev === 'file' && !force) return fail('Cannot link, file exists at destination', { dest: path, src: args.src });
    if (prev === 'absent' && insp.paths[2]?.stat?.type !== 'directory') return parentMissing(env, fail(`Error while linking: directory ${dirname(path)} does not exist`, { dest: path, src: args.src }));
    out.changed = true;
    out.script.push(prev === 'absent' ? sh`ln -- ${args.src} ${path} || exit 1` : replaceWith(path, sh`ln -- ${args.src} "$t"`, prev));
    out.before.push(`state: ${prev}`);
    out.after.push('state: hard', `src: ${args.src}`);
  }
  return settle({ ...env, path }, out, srcInfo.stat, path);
};

const touch: Handler = (env) => {
  const { path, insp, follow } = env;
  const info = insp.paths[0]!;
  const st = info.lstat?.type === 'link' && follow ? info.stat : info.lstat;
  const out: Outcome = { changed: false, script: [], before: [], after: [], result: { dest: path, path }, statPath: path, statNoFollow: !follow };
  if (st) {
    out.result['state'] = stateOf(st) === 'directory' ? 'directory' : 'file';
    return settle(env, out, st, path, st.type === 'link');
  }
  if (insp.paths[2]?.stat?.type !== 'directory') return parentMissing(env, fail(`Error, could not touch target: directory ${dirname(path)} does not exist`, { path }));
  const attrs = createAttrs(env, path, false);
  const times = planTimes(path, env.mtime, env.atime, undefined, env.stamps);
  out.script.push(sh`touch -- ${path} || exit 1`, attrs.script);
  if (times.script) out.script.push(times.script);
  out.result['state'] = 'file';
  return { ...out, changed: true, before: ['state: absent'], after: ['state: touch'], predicted: { ...attrs.stat, type: 'file' } as StatInfo };
};

export const HANDLERS: Record<State, Handler> = { absent, file: ensureFile, directory, link, hard, touch };

export const isOutcome = (o: Outcome | ModuleResult): o is Outcome => Array.isArray((o as Outcome).script);

