/**
 * The shared flow of the in-place text editors (lineinfile, blockinfile, replace): read the file
 * in one round trip, compute the new text in TypeScript, then write it atomically (or only fix
 * mode/owner/group) in a second one. Check mode stops after the computation. As Ansible's, their
 * results say what changed, not the file's attributes: so no stat after the write either.
 */
import type { ModuleContext, ModuleResult } from '../types.js';
import { applyAttrs, checkModeArg, planAttrs, planChanges, type AttrArgs } from './attrs.js';
import { inspect, type Probe } from './inspect.js';
import { applyMode, defaultMode, parseMode } from './mode.js';
import { ancestors, dirname, pathArg } from './paths.js';
import { PyRegexError } from './pyregex.js';
import { fail } from './result.js';
import { decodeText, diffText, type TextCodec } from './text.js';
import { writeFile } from './write-file.js';

export interface EditOutcome {
  /** The new text (in the codec's representation). */
  text: string;
  changed: boolean;
  msg: string;
  extra?: Record<string, unknown>;
}

/** What an edit did, for the module to put in its result the way Ansible's does. */
export interface EditReport {
  changed: boolean;
  msg: string;
  backupFile?: string;
  extra?: Record<string, unknown>;
}

export interface EditOptions extends AttrArgs {
  path: string;
  backup?: boolean;
  /** The module's result from what the edit did (its keys differ between the three modules). */
  result: (r: EditReport) => ModuleResult;
  /** The file is missing: a result to return as it is, or 'create' to edit an empty file. */
  whenMissing: () => ModuleResult | 'create';
  /** Computes the new text. May throw PyRegexError for a bad pattern (reported as a failure). */
  edit: (codec: TextCodec, exists: boolean) => EditOutcome;
}

const ATTRS_MSG = 'ownership, perms or SE linux context changed';

/** What editTextFile inspects: the file's content and its directory. */
function editProbes(path: string): Probe[] {
  return [{ path, content: true }, { path: dirname(path) }];
}

/** The `probes` of the modules built on editTextFile (lineinfile, blockinfile, replace). */
export function editFileProbes(args: Parameters<typeof pathArg>[0]): Probe[] {
  const path = pathArg(args);
  return path ? editProbes(path) : [];
}

export async function editTextFile(ctx: ModuleContext, o: EditOptions): Promise<ModuleResult> {
  const { path } = o;
  const modeErr = checkModeArg(o.mode);
  if (modeErr) return fail(modeErr, { path });
  const insp = await inspect(ctx, editProbes(path));
  if ('error' in insp) return fail(`Could not read ${path}: ${insp.error}`, { path });
  const [info, parent] = insp.paths;
  const st = info!.stat;
  if (st?.type === 'directory') return fail(`Path ${path} is a directory !`, { path, rc: 256 });
  if (st && (!info!.readable || !info!.content)) return fail(`Could not read ${path}: permission denied or not a regular file`, { path });

  let createDirs: string[] = [];
  if (!st) {
    const missing = o.whenMissing();
    if (missing !== 'create') return ctx.check && missing.failed ? assumedByEarlierTask(path) : missing;
    if (parent!.stat?.type !== 'directory') createDirs = ancestors(dirname(path));
  }
  const original = info!.content ?? Buffer.alloc(0);
  const codec = decodeText(original);
  let out: EditOutcome;
  try {
    out = o.edit(codec, st !== undefined);
  } catch (e) {
    if (e instanceof PyRegexError) return fail(e.message, { path });
    throw e;
  }
  const done = (changed: boolean, msg: string, more: { backupFile?: string; diff?: ModuleResult['diff'] } = {}): ModuleResult => ({
    ...o.result({ changed, msg, backupFile: more.backupFile, extra: out.extra }),
    ...(more.diff ? { diff: more.diff } : {}),
  });

  if (out.changed) {
    const content = codec.encode(out.text);
    const diff = ctx.diff ? { before: st ? diffText(original) : '', after: diffText(content), path } : undefined;
    const mode = o.mode === undefined ? st?.mode : applyMode(parseMode(o.mode), st?.mode ?? defaultMode(insp.umask, false), { isDir: false, umask: insp.umask });
    // As Ansible: attributes set apart from the content (a new file's mode too) add to the message.
    const attrsChanged = st ? planChanges(planAttrs(o, st, insp.umask)) : mode !== undefined && mode !== defaultMode(insp.umask, false);
    const msg = attrsChanged ? `${out.msg} and ${ATTRS_MSG}` : out.msg;
    if (ctx.check) return done(true, msg, { diff });
    // Without a mode the file keeps the one just inspected: given here, it costs no stat and chmod.
    const w = await writeFile(ctx, {
      path,
      content,
      mode,
      owner: o.owner === undefined ? undefined : String(o.owner),
      group: o.group === undefined ? undefined : String(o.group),
      backup: o.backup,
      follow: true,
      noFinalStat: true,
      ...(createDirs.length ? { createDirs: { paths: createDirs } } : {}),
    });
    if (!w.ok) return fail(w.msg, { path });
    return done(true, msg, { backupFile: w.backupFile, diff });
  }

  if (!st) return done(false, out.msg);
  const plan = planAttrs(o, st, insp.umask);
  if (!planChanges(plan)) return done(false, out.msg);
  const msg = out.msg ? `${out.msg} and ${ATTRS_MSG}` : ATTRS_MSG;
  const diff = ctx.diff ? { before: plan.before.join('\n') + '\n', after: plan.after.join('\n') + '\n', path } : undefined;
  if (ctx.check) return done(true, msg, { diff });
  const applied = await applyAttrs(ctx, path, plan, { noStat: true });
  if (!applied.ok) return fail(applied.msg, { path });
  return done(true, msg, { diff });
}

/**
 * Check mode on a fresh host: the file is usually created by an earlier task that check mode
 * did not run. Ansible fails here; reporting the likely change is what a dry run is for.
 */
export function assumedByEarlierTask(path: string): ModuleResult {
  return { changed: true, path, msg: `${path} does not exist yet; in check mode it is assumed that an earlier task creates it` };
}
