/**
 * The one way file content reaches the target: written to a temp file in the destination's own
 * directory (so the final rename is atomic), given its owner/group/mode, then moved over the
 * destination. On any failure the temp file is removed and the old file is left as it was.
 */
import { randomBytes } from 'node:crypto';
import { lines, raw, sh, type Shell } from '../../shell/sh.js';
import type { ModuleContext } from '../types.js';
import { finalStatScript, parseFinalStat, type StatInfo } from './inspect.js';
import { chmodArg } from './mode.js';

export interface WriteFileOptions {
  /** Destination as the user gave it (also the base name of a backup). */
  path: string;
  content: Buffer;
  /** Final mode. Absent: keep the existing file's mode, or 0666 & ~umask for a new file. */
  mode?: number;
  /** Absent: keep the existing file's owner/group (best effort when not root). */
  owner?: string;
  group?: string;
  /** Keep the previous version as `<path>.<pid>.<YYYY-MM-DD@HH:MM:SS>~`, like Ansible. */
  backup?: boolean;
  /** If the path is a symlink, write its target instead of replacing the link (lineinfile & co). */
  follow?: boolean;
  /** Missing parent directories to create first (outermost first), with this mode if given. */
  createDirs?: { paths: string[]; mode?: number };
  /** No final stat: the caller inspects the path right after (one process less per write). */
  noFinalStat?: boolean;
}

export type WriteFileResult = { ok: true; backupFile?: string; stat?: StatInfo } | { ok: false; msg: string };

/** Up to this size content rides inside the script (a whole `sh -c` argument is limited to 128 KiB). */
export const INLINE_LIMIT = 64 * 1024;
/** Up to this size it goes on stdin in one round trip (under become, stdin travels in sudo's argv). */
export const STDIN_LIMIT = 1024 * 1024;

const FAIL_FN = raw(`oasis_fail() { [ -n "$t" ] && rm -f -- "$t"; printf '%s\\n' "$*" >&2; exit 1; }`);

/** Sets $o (path as given), $p (path written, link resolved if following) and $d (its directory). */
function locate(o: WriteFileOptions): Shell {
  return lines(
    sh`o=${o.path}; p=$o`,
    o.follow && raw(`if [ -L "$p" ]; then r=$(readlink -f -- "$p" 2>/dev/null) && [ -n "$r" ] && p=$r; fi`),
    raw(`case $p in */*) d=\${p%/*}; [ -n "$d" ] || d=/ ;; *) d=. ;; esac`),
  );
}

/**
 * How the temp file is made. Without a new owner or group it is created by the shell itself,
 * exclusively (noclobber: O_EXCL, so never through a planted link), under a random name from
 * the controller, and under a umask that gives it its final mode at once: no mktemp, and no
 * chmod when the mode has the owner's write bit and no execute or special bits. With a new
 * owner or group, mktemp's 0600 keeps the content private until chown and chmod are done.
 */
interface Creation {
  /** Made by the shell (else by mktemp). */
  byShell: boolean;
  /** The umask the shell creates it under; undefined: the user's own. */
  umask?: number;
  /** The mode is set after writing (execute or special bits, or mktemp's 0600 to replace). */
  chmodAfter: boolean;
}

function creation(o: WriteFileOptions): Creation {
  if (o.owner !== undefined || o.group !== undefined) return { byShell: false, chmodAfter: o.mode !== undefined };
  if (o.mode === undefined) return { byShell: true, chmodAfter: false };
  // The owner must be able to write the content into it (a non-root user could not write 0444).
  if ((o.mode & ~0o666) === 0 && (o.mode & 0o200) !== 0) return { byShell: true, umask: ~o.mode & 0o777, chmodAfter: false };
  return { byShell: true, umask: 0o077, chmodAfter: true };
}

function makeTemp(c: Creation): Shell {
  if (!c.byShell) return raw(`t=$(mktemp "$d/.\${p##*/}.oasis.XXXXXX") || oasis_fail "cannot create a temporary file in $d"`);
  // $t is set only once the file is ours, so that a failure never removes someone else's file.
  return lines(
    sh`n="$d/.\${p##*/}.oasis."${randomBytes(8).toString('hex')}`,
    c.umask !== undefined && raw(`umask ${c.umask.toString(8).padStart(3, '0')}`),
    raw(`set -C; { : > "$n"; } 2>/dev/null || { set +C; oasis_fail "cannot create a temporary file in $d"; }; set +C; t=$n`),
  );
}

/** Creates missing parents, checks the destination, and makes the temp file "$t". */
function prepare(o: WriteFileOptions): Shell {
  return lines(
    ...(o.createDirs?.paths ?? []).map((dir) =>
      lines(
        sh`if [ ! -d ${dir} ]; then mkdir -- ${dir} || oasis_fail "cannot create directory" ${dir}`,
        o.createDirs?.mode !== undefined && sh`  chmod -- ${chmodArg(o.createDirs.mode)} ${dir} || oasis_fail "cannot set mode on" ${dir}`,
        raw('fi'),
      ),
    ),
    raw(`[ -d "$d" ] || oasis_fail "Destination directory $d does not exist"
[ -d "$p" ] && oasis_fail "Destination $p is a directory"`),
    makeTemp(creation(o)),
  );
}

/** Gives "$t" its mode and owner, keeps a backup if asked, and moves it over "$p". */
function finish(o: WriteFileOptions): Shell {
  // Only what is not given is taken from the old file (or the umask): each of these steps costs
  // the target two processes, and a given mode/owner would overwrite it right after.
  const keepOwner = o.owner === undefined || o.group === undefined;
  const keepMode = o.mode === undefined;
  const made = creation(o);
  // A temp file we made already has the old owner when the old file is ours (test's -O/-G, no
  // process) and the directory does not hand its group down (setgid).
  const fromOld = [
    keepOwner && `  { [ -O "$p" ] && [ -G "$p" ] && [ ! -g "$d" ]; } || chown "$(stat -c %u:%g -- "$p")" "$t" 2>/dev/null`,
    keepMode && `  chmod -- "$(stat -c %a -- "$p")" "$t" || oasis_fail "cannot set mode on $t"`,
  ].filter(Boolean);
  // A temp file the shell made already has the umask's mode; mktemp's 0600 needs replacing.
  const fresh = made.byShell ? '' : `else\n  m=$(umask); chmod -- "$(printf '%o' $(( 0666 & ~0$m )))" "$t" || oasis_fail "cannot set mode on $t"\n`;
  return lines(
    // A new file gets the umask's mode; an existing one keeps its mode and, where allowed, owner.
    fromOld.length > 0 && raw(`if [ -e "$p" ]; then\n${fromOld.join('\n')}\n${keepMode ? fresh : ''}fi`),
    o.owner !== undefined && sh`chown -- ${o.owner} "$t" || oasis_fail "cannot set owner" ${o.owner}`,
    o.group !== undefined && sh`chgrp -- ${o.group} "$t" || oasis_fail "cannot set group" ${o.group}`,
    o.mode !== undefined && made.chmodAfter && sh`chmod -- ${chmodArg(o.mode)} "$t" || oasis_fail "cannot set mode"`,
    o.backup &&
      raw(`if [ -e "$p" ]; then
  s=$$.$(date +%Y-%m-%d@%H:%M:%S)
  cp -p -- "$p" "$o.$s~" || oasis_fail "cannot back up $o"
  printf 'backup=%s\\n' "$s"
fi`),
    raw(`oasis_x mv -f -- "$t" "$p" || oasis_fail "cannot move the new content into place"`),
    !o.noFinalStat && finalStatScript(raw('"$p"'), false),
  );
}

/** How the bytes get into "$t": inline text, inline base64 (NUL or invalid UTF-8), or stdin. */
function fill(content: Buffer): { cmd: Shell; stdin?: Buffer } {
  if (content.length > INLINE_LIMIT) return { cmd: raw('cat > "$t"'), stdin: content };
  const text = content.toString('utf8');
  if (!content.includes(0) && Buffer.from(text, 'utf8').equals(content)) return { cmd: sh`printf '%s' ${text} > "$t"` };
  return { cmd: sh`printf '%s' ${content.toString('base64')} | base64 -d > "$t"` };
}

/** The whole write as one script, for content up to STDIN_LIMIT. */
export function writeFileScript(o: WriteFileOptions): { script: Shell; stdin?: Buffer } {
  const { cmd, stdin } = fill(o.content);
  const script = lines(raw('t='), FAIL_FN, locate(o), prepare(o), sh`{ ${cmd}; } || oasis_fail "cannot write" "$t"`, finish(o));
  return { script, stdin };
}

const failure = (o: WriteFileOptions, res: { code: number; stdout: string; stderr: string }) => ({
  ok: false as const,
  msg: `Could not write ${o.path}: ${(res.stderr || res.stdout).trim() || `exit code ${res.code}`}`,
});

/**
 * Larger content: the temp file is made in one round trip, filled chunk by chunk (each within
 * the stdin limit), then finished in a last one. Any failure removes the temp file.
 */
async function writeInChunks(ctx: ModuleContext, o: WriteFileOptions): Promise<{ code: number; stdout: string; stderr: string }> {
  const made = await ctx.exec(lines(raw('t='), FAIL_FN, locate(o), prepare(o), raw(`printf 'tmp=%s\\n' "$t"`)));
  const tmp = /^tmp=(.*)$/m.exec(made.stdout)?.[1];
  if (made.code !== 0 || !tmp) return made;
  const withTemp = sh`t=${tmp}`;
  try {
    for (let at = 0; at < o.content.length; at += STDIN_LIMIT) {
      const part = await ctx.exec(lines(withTemp, FAIL_FN, raw(`cat >> "$t" || oasis_fail "cannot write" "$t"`)), { stdin: o.content.subarray(at, at + STDIN_LIMIT) });
      if (part.code !== 0) return part;
    }
    return await ctx.exec(lines(withTemp, FAIL_FN, locate(o), finish(o)));
  } catch (e) {
    await ctx.exec(sh`rm -f -- ${tmp}`).catch(() => undefined); // best effort: the connection may be gone
    throw e;
  }
}

/** Writes the file; target-side failures come back as `{ ok: false, msg }` naming the path. */
export async function writeFile(ctx: ModuleContext, o: WriteFileOptions): Promise<WriteFileResult> {
  let res;
  if (o.content.length > STDIN_LIMIT) {
    res = await writeInChunks(ctx, o);
  } else {
    const { script, stdin } = writeFileScript(o);
    res = await ctx.exec(script, stdin ? { stdin } : undefined);
  }
  if (res.code !== 0) return failure(o, res);
  const backup = /^backup=(.*)$/m.exec(res.stdout)?.[1];
  const stat = parseFinalStat(res.stdout);
  return {
    ok: true,
    ...(backup ? { backupFile: `${o.path}.${backup}~` } : {}),
    ...(stat ? { stat } : {}),
  };
}

/** Backup name pattern for tests and docs: `<path>.<pid>.<YYYY-MM-DD@HH:MM:SS>~`. */
export const BACKUP_SUFFIX_RE = /\.\d+\.\d{4}-\d\d-\d\d@\d\d:\d\d:\d\d~$/;
