import { randomBytes } from 'node:crypto';
import { lines, raw, sh, type Shell } from '../../shell/sh.js';
import type { ModuleContext, ModuleResult } from '../types.js';
import { recall, type Probe } from '../lib/inspect.js';

/** What command and shell share: run one argv on the target, Ansible-style result. */
export interface RunSpec {
  /** Final argv to exec: [program, ...args] (command) or [executable, '-c', code] (shell). */
  argv: string[];
  /** Reported back as `cmd` (a list for command, the text for shell, as Ansible does). */
  cmd: string | string[];
  chdir?: string;
  creates?: string;
  removes?: string;
  stdin?: string;
  stdinAddNewline?: boolean;
  stripEmptyEnds?: boolean;
}

const ERRNO: Record<string, string> = {
  '2': '[Errno 2] No such file or directory',
  '13': '[Errno 13] Permission denied',
  '20': '[Errno 20] Not a directory',
};

/**
 * One script decides chdir/creates/removes and whether the program exists, then `exec`s it.
 * When it does not run the program it prints one line starting with a random marker and exits:
 * the program never ran, so its output cannot be confused with ours, and when it does run the
 * wrapper adds nothing to stdout/stderr.
 */
function buildScript(spec: RunSpec, marker: string, check: boolean): Shell {
  // Our variables are prefixed: an exported variable of the same name would reach the program.
  // `\\n` so the script gets printf's own escape, not a raw newline.
  const report = (what: string, withErrno = false) =>
    withErrno ? sh`printf '%s %s %s\\n' "$__o_m" ${what} "$__o_e"` : sh`printf '%s %s\\n' "$__o_m" ${what}`;
  return lines(
    sh`__o_m=${marker}`,
    // Glob like Python's glob.glob (Ansible's creates/removes): IFS empty so only pathname
    // expansion applies; -L also counts dangling links (glob uses lexists).
    raw(`__o_found() ( IFS=; case $1 in '~'|'~/'*) set -- "$HOME\${1#"~"}";; esac
  for __o_f in $1; do if [ -e "$__o_f" ] || [ -L "$__o_f" ]; then return 0; fi; done; return 1 )`),
    spec.chdir !== undefined &&
      lines(
        sh`__o_d=${spec.chdir}`,
        // "./" keeps CDPATH out of it (it could pick another directory and print its name).
        raw(`case $__o_d in '~'|'~/'*) __o_d=$HOME\${__o_d#"~"};; /*|./*|../*) ;; *) __o_d=./$__o_d;; esac
if ! cd "$__o_d" 2>/dev/null; then
  if [ ! -e "$__o_d" ]; then __o_e=2; elif [ ! -d "$__o_d" ]; then __o_e=20; else __o_e=13; fi`),
        sh`  ${report('chdir', true)}; exit 1`,
        raw('fi'),
      ),
    spec.creates !== undefined && sh`if __o_found ${spec.creates}; then ${report('creates')}; exit 0; fi`,
    spec.removes !== undefined && sh`if ! __o_found ${spec.removes}; then ${report('removes')}; exit 0; fi`,
    check && sh`${report('would-run')}; exit 0`,
    // Find the program first so "not found" (rc 127) cannot be mistaken for a program's own 127.
    // PATH is searched by hand: `command -v` would also accept shell builtins, which exec can't run.
    sh`__o_p=${spec.argv[0] ?? ''}`,
    raw(`case $__o_p in
  */*) if [ ! -e "$__o_p" ]; then __o_e=2; elif [ -d "$__o_p" ] || [ ! -x "$__o_p" ]; then __o_e=13; else __o_e=0; fi;;
  *) __o_e=2; __o_ifs=$IFS; IFS=:; set -f
    for __o_d in $PATH; do if [ -f "\${__o_d:-.}/$__o_p" ] && [ -x "\${__o_d:-.}/$__o_p" ]; then __o_e=0; break; fi; done
    set +f; IFS=$__o_ifs;;
esac`),
    sh`if [ "$__o_e" != 0 ]; then ${report('exec', true)}; if [ "$__o_e" = 2 ]; then exit 127; fi; exit 126; fi`,
    sh`exec ${spec.argv}`,
  );
}

/** Python's str.splitlines (what Ansible uses for stdout_lines). */
export function splitLines(s: string): string[] {
  if (s === '') return [];
  const parts = s.split(/\r\n|[\n\r\v\f\x1c\x1d\x1e\x85\u2028\u2029]/);
  if (parts[parts.length - 1] === '') parts.pop();
  return parts;
}

const pad = (n: number, w = 2) => String(n).padStart(w, '0');

/** Python's str(datetime.now()): "2024-05-01 12:00:00.123456" (local time). */
export function formatTimestamp(epochUs: number): string {
  const d = new Date(Math.floor(epochUs / 1000));
  const us = Math.floor(epochUs % 1_000_000);
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}.${pad(us, 6)}`;
}

/** Python's str(timedelta): "0:00:00.003054", "1 day, 2:03:04.000005". */
export function formatDelta(us: number): string {
  const total = Math.max(0, Math.round(us));
  const days = Math.floor(total / 86_400_000_000);
  let rest = total - days * 86_400_000_000;
  const h = Math.floor(rest / 3_600_000_000);
  rest -= h * 3_600_000_000;
  const m = Math.floor(rest / 60_000_000);
  rest -= m * 60_000_000;
  const s = Math.floor(rest / 1_000_000);
  const time = `${h}:${pad(m)}:${pad(s)}.${pad(rest - s * 1_000_000, 6)}`;
  return days ? `${days} day${days === 1 ? '' : 's'}, ${time}` : time;
}

function withLines(r: ModuleResult): ModuleResult {
  r.stdout_lines = splitLines(String(r.stdout ?? ''));
  r.stderr_lines = splitLines(String(r.stderr ?? ''));
  return r;
}

type Guards = Pick<RunSpec, 'chdir' | 'creates' | 'removes'>;

/**
 * The paths of creates/removes, when a remembered inspection can settle them: absolute, no
 * glob or ~, and no chdir (whose failure would come first). Else none.
 */
export function guardProbes(args: Guards): Probe[] {
  const plain = (p: string | undefined) => p === undefined || p === '' || (p.startsWith('/') && !/[*?[]/.test(p));
  if (args.chdir || !plain(args.creates) || !plain(args.removes) || !(args.creates || args.removes)) return [];
  return [args.creates, args.removes].filter((p): p is string => !!p).map((path) => ({ path }));
}

/** What the script's own creates/removes test would say, from what an earlier inspection saw (lexists, as glob). */
function guardFromMemory(spec: Guards, ctx: ModuleContext): 'creates' | 'removes' | 'run' | undefined {
  const probes = guardProbes(spec);
  const known = probes.length ? recall(ctx, probes) : undefined;
  if (!known) return undefined;
  const exists = (p: string) => known.paths.find((i) => i.path === p)?.lstat !== undefined;
  if (spec.creates && exists(spec.creates)) return 'creates';
  if (spec.removes && !exists(spec.removes)) return 'removes';
  return 'run';
}

export async function runCommand(given: RunSpec, ctx: ModuleContext): Promise<ModuleResult> {
  // Ansible ignores empty chdir/creates/removes (`if creates:`).
  const spec = { ...given, chdir: given.chdir || undefined, creates: given.creates || undefined, removes: given.removes || undefined };
  const base = { stdout: '', stderr: '', rc: null as number | null, cmd: spec.cmd, start: null as string | null, end: null as string | null, delta: null as string | null, msg: '' };
  const guarded = spec.creates !== undefined || spec.removes !== undefined;
  if (ctx.check && !guarded) {
    // Engines skip these (supportsCheckMode is false); answer like Ansible if called anyway.
    return withLines({ ...base, changed: false, skipped: true, rc: 0, msg: 'Command would have run if not in check mode' });
  }
  const shoulda = ctx.check ? 'Would' : 'Did';
  const skip = (what: 'creates' | 'removes') =>
    what === 'creates'
      ? withLines({ ...base, changed: false, rc: 0, stdout: `skipped, since ${spec.creates} exists`, msg: `${shoulda} not run command since '${spec.creates}' exists` })
      : withLines({ ...base, changed: false, rc: 0, stdout: `skipped, since ${spec.removes} does not exist`, msg: `${shoulda} not run command since '${spec.removes}' does not exist` });
  // Settled by what an earlier inspection saw: no round trip (the script would test the same).
  const settled = guardFromMemory(spec, ctx);
  if (settled === 'creates' || settled === 'removes') return skip(settled);
  const marker = `oasis-${randomBytes(12).toString('hex')}`;
  const script = buildScript(spec, marker, ctx.check);
  // Ansible sends no stdin for an empty string, and appends a newline unless told not to.
  let stdin: string | undefined;
  if (spec.stdin) stdin = spec.stdin + (spec.stdinAddNewline === false ? '' : '\n');

  const startUs = Date.now() * 1000;
  const t0 = process.hrtime.bigint();
  const res = await ctx.exec(script, stdin === undefined ? undefined : { stdin });
  const deltaUs = Number((process.hrtime.bigint() - t0) / 1000n);

  const m = new RegExp(`^${marker} (\\S+)(?: (\\S+))?\\n$`).exec(res.stdout);
  if (m) {
    const [, what, errno = ''] = m;
    switch (what) {
      case 'creates':
      case 'removes':
        return skip(what);
      case 'would-run':
        return withLines({ ...base, changed: true, rc: 0, msg: 'Command would have run if not in check mode' });
      case 'chdir':
        return withLines({ ...base, changed: false, failed: true, msg: `Unable to change directory before execution: ${ERRNO[errno] ?? `[Errno ${errno}]`}: '${spec.chdir}'` });
      case 'exec':
        return withLines({ ...base, changed: false, failed: true, rc: res.code, msg: `${ERRNO[errno] ?? `[Errno ${errno}]`}: '${spec.argv[0]}'` });
    }
  }

  const strip = spec.stripEmptyEnds !== false;
  const out: ModuleResult = {
    ...base,
    changed: true,
    rc: res.code,
    stdout: strip ? res.stdout.replace(/[\r\n]+$/, '') : res.stdout,
    stderr: strip ? res.stderr.replace(/[\r\n]+$/, '') : res.stderr,
    start: formatTimestamp(startUs),
    end: formatTimestamp(startUs + deltaUs),
    delta: formatDelta(deltaUs),
  };
  if (res.code !== 0) {
    out.failed = true;
    out.msg = 'non-zero return code';
  }
  return withLines(out);
}

/** Shared schema pieces (descriptions match Ansible's). */
export const commonProperties = {
  chdir: { type: 'string', description: 'Change into this directory before running the command.' },
  creates: { type: 'string', description: 'A filename or glob pattern. If a matching file already exists, the command will not be run.' },
  removes: { type: 'string', description: 'A filename or glob pattern. If a matching file exists, the command will be run; otherwise it is skipped.' },
  stdin: { type: 'string', description: 'Set the stdin of the command directly to the specified value.' },
  stdin_add_newline: { type: 'boolean', default: true, description: 'If set to true, append a newline to stdin data.' },
  strip_empty_ends: { type: 'boolean', default: true, description: 'Strip empty lines from the end of stdout/stderr in result.' },
} as const;
