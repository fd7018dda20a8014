/**
 * A change in ONE round trip instead of two: the change rides along with the inspection, ahead
 * of the probes, and runs on the target only when a guard there says it is needed; the probes
 * then report the result (no stat of its own). Taken only when nothing about the change depends
 * on what the inspection finds (no check mode, diff or backup; an octal mode or none; ...). When
 * the guard says no, nothing ran and the module goes on with the inspection as usual. Used by
 * copy/template (a file whose content differs) and file (a missing directory).
 */
import { lines, raw, sh, type Shell } from '../../shell/sh.js';
import type { ModuleContext } from '../types.js';
import { HANDLERS, isOutcome, type FileArgs, type Outcome } from './file-states.js';
import type { TimeSpec } from './file-times.js';
import type { Inspection, Probe } from './inspect.js';
import { chmodArg, parseMode } from './mode.js';
import { ancestors, dirname } from './paths.js';
import { INLINE_LIMIT, writeFileScript } from './write-file.js';

export interface EagerWrite {
  dest: string;
  content: Buffer;
  checksum: string;
  mode?: string | number;
  owner?: string | number;
  group?: string | number;
  backup?: boolean;
  force?: boolean;
  follow?: boolean;
}

export type EagerOutcome = { written: true } | { written: false; msg: string };

type Mode = Pick<ModuleContext, 'check' | 'diff'>;

// What eagerOutcome reads: a begin line, the change's own output, then its status.
const BEGIN = `printf 'eager:begin\\n'`;
const status = (code: string) => `printf 'eager=%s\\n' "${code}"`;

/** `body` in a subshell (its `exit` stays there) when `guard` holds, its output and status marked. */
function eagerBlock(guard: Shell, body: Shell): Shell {
  return lines(sh`if ${guard}; then`, raw(`${BEGIN}; (`), body, raw(`) 2>&1; ${status('$?')}; fi`));
}

/** copy/template: the script to run before the probes, or undefined when the write must wait for them. */
export function eagerWriteScript(o: EagerWrite, ctx: Mode): Shell | undefined {
  if (ctx.check || ctx.diff || o.backup || o.force === false || o.dest.endsWith('/') || o.content.length > INLINE_LIMIT) return undefined;
  const mode = o.mode === undefined ? undefined : parseMode(o.mode);
  if (mode && mode.kind !== 'octal') return undefined; // a symbolic mode applies to the current mode
  const { script } = writeFileScript({
    path: o.dest,
    content: o.content,
    mode: mode?.value,
    owner: o.owner === undefined ? undefined : String(o.owner),
    group: o.group === undefined ? undefined : String(o.group),
    follow: o.follow,
    noFinalStat: true,
  });
  // The checksum is printed as probe 0's (the destination), which then asks for none itself.
  return lines(
    sh`oasis_s=; if [ -f ${o.dest} ] && [ -r ${o.dest} ]; then oasis_s=$(sha1sum < ${o.dest}); oasis_s=\${oasis_s%% *}; printf '0:sum=%s\\n' "$oasis_s"; fi`,
    eagerBlock(sh`[ "$oasis_s" != ${o.checksum} ] && [ ! -d ${o.dest} ] && [ -d ${dirname(o.dest)} ]`, script),
    raw('unset oasis_s'), // it may run in the shared shell (inspect's inShell)
  );
}

/** The probes to send with the eager write: the destination's checksum comes from its script. */
export function eagerProbes(probes: Probe[]): Probe[] {
  return probes.map((p, i) => (i === 0 ? { ...p, checksum: false } : p));
}

/**
 * file state=directory: what the directory handler does when nothing is at the path, guarded by
 * exactly that. Undefined where the handler's commands would depend on the inspection.
 */
export function eagerDirectory(args: FileArgs, path: string, times: TimeSpec[], ctx: Mode): { script: Shell; out: Outcome } | undefined {
  if (ctx.check || ctx.diff || args.state !== 'directory' || args.recurse || args.src !== undefined) return undefined;
  const parsed = args.mode === undefined ? undefined : parseMode(args.mode);
  if (times.some((t) => t.kind !== 'preserve') || parsed?.kind === 'symbolic') return undefined;
  // Nothing there; the umask only shapes the predicted stat, which the probes' stat replaces.
  const nothing: Inspection = { umask: 0o022, paths: [{ path, readable: true }], stdout: '' };
  const env = { args, path, follow: args.follow ?? true, force: args.force ?? false, insp: nothing, mtime: times[0]!, atime: times[1]!, stamps: new Map(), check: false };
  const out = HANDLERS.directory(env);
  if (!isOutcome(out) || !out.changed) return undefined;
  const guard = sh`[ ! -e ${path} ] && [ ! -L ${path} ]`;
  // Only a mode to set: the handler's `mkdir -m` per missing directory, run by the shell itself
  // (a fork less), stopping at the first that fails. Otherwise its script, in a subshell.
  // The mode as the handler gives it (chmodArg: exactly that mode, no setgid kept from the parent).
  if (args.owner === undefined && args.group === undefined) return { script: mkdirsInShell(guard, ancestors(path), parsed && chmodArg(parsed.value)), out };
  return { script: eagerBlock(guard, lines(...out.script)), out };
}

/**
 * `mkdir [-m MODE]` of each missing directory when `guard` holds, with no subshell: it may run in
 * the shared shell (inspect's inShell), so no `exit`, and the one variable it sets is unset.
 */
function mkdirsInShell(guard: Shell, dirs: string[], mode: string | undefined): Shell {
  const m = mode === undefined ? sh`` : sh`-m ${mode}`;
  return lines(
    sh`if ${guard}; then`,
    raw(`${BEGIN}; oasis_r=0`),
    ...dirs.map((d) => sh`[ "$oasis_r" != 0 ] || [ -d ${d} ] || oasis_x mkdir ${m} -- ${d} 2>&1 || oasis_r=$?`),
    raw(`${status('$oasis_r')}; unset oasis_r; fi`),
  );
}

/** What the eager change did, if it ran. */
export function eagerOutcome(stdout: string): EagerOutcome | undefined {
  const at = stdout.indexOf('eager:begin\n');
  if (at < 0) return undefined;
  const body = stdout.slice(at + 'eager:begin\n'.length);
  const code = /^eager=(\d+)$/m.exec(body)?.[1];
  if (code === '0') return { written: true };
  const msg = body.replace(/^eager=\d+$[\s\S]*/m, '').trim();
  return { written: false, msg: msg || `exit code ${code ?? 'unknown'}` };
}
