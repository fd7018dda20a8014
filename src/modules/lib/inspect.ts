/**
 * One round trip that tells a module everything it needs about some paths on the target:
 * lstat and stat, link target, sha1, content, a recursive listing, and the umask. Modules then
 * decide in TypeScript and send at most one more script to make the change.
 */
import { lines, raw, sh, type Shell } from '../../shell/sh.js';
import type { ModuleContext } from '../types.js';
import { probeKey } from './probe-memory.js';

/** Checksum tools present in both coreutils and BusyBox (`<name>sum`). */
export const CHECKSUM_ALGORITHMS = ['md5', 'sha1', 'sha256', 'sha512'] as const;
export type ChecksumAlgorithm = (typeof CHECKSUM_ALGORITHMS)[number];

export type FileType = 'file' | 'directory' | 'link' | 'fifo' | 'socket' | 'char' | 'block' | 'unknown';

export interface StatInfo {
  type: FileType;
  /** Permission bits (07777). */
  mode: number;
  uid: number;
  gid: number;
  owner: string;
  group: string;
  size: number;
  mtime: number;
  atime: number;
  ctime: number;
  nlink: number;
  inode: number;
  dev: number;
}

export interface Probe {
  path: string;
  /** Checksum of the file (following links), as Ansible's `checksum`: sha1 unless said otherwise. */
  checksum?: boolean;
  checksumAlgorithm?: ChecksumAlgorithm;
  /** The file's bytes (following links). */
  content?: boolean;
  /** Skip content larger than this many bytes (PathInfo.contentTooLarge is set instead). */
  maxContent?: number;
  /** stat of everything below the path (the path included; the path itself followed if a link). */
  tree?: boolean;
  /** Access checks (readable/writeable/executable) for the stat module. */
  access?: boolean;
  /** The fully resolved path (readlink -f), for the stat module's lnk_source. */
  realpath?: boolean;
  /** Whether a directory is empty (file module: a directory may only become a link if empty). */
  emptiness?: boolean;
  /** A link's followed stat is not needed (PathInfo.stat stays unset for a link): a process less. */
  noFollow?: boolean;
}

export interface PathInfo {
  path: string;
  /** Absent when nothing exists at the path (not even a dangling link). */
  lstat?: StatInfo;
  /** The followed stat: same as lstat for non-links, absent for a dangling link. */
  stat?: StatInfo;
  linkTarget?: string;
  realpath?: string;
  /** The checksum asked for (sha1 unless checksumAlgorithm says otherwise). */
  checksum?: string;
  content?: Buffer;
  contentTooLarge?: boolean;
  /** False when content or checksum was asked for but the file could not be read. */
  readable: boolean;
  access?: { readable: boolean; writeable: boolean; executable: boolean };
  tree?: StatInfo[];
  empty?: boolean;
}

export interface Inspection {
  umask: number;
  paths: PathInfo[];
  /** Everything the script printed, for callers that appended their own commands. */
  stdout: string;
}

/** stat -c format, identical for coreutils and BusyBox; names last since they are free text. */
export const STAT_FORMAT = '%f|%u|%g|%s|%Y|%X|%Z|%h|%i|%d|%U|%G';

// The probe function: $1 index, $2 path, $3 flags (c checksum, b content, t tree, a access, r realpath,
// e emptiness, s lstat and link target here rather than in oasis_lstats, n no followed stat of a link,
// u say if unreadable: oasis_sums has the checksum),
// $4 the largest content to send (empty: no limit), $5 the checksum tool.
const PROBE_FN = raw(`oasis_probe() {
  [ -e "$2" ] || [ -L "$2" ] || return 0
  case $3 in *s*) printf '%s:lstat=%s\\n' "$1" "$(stat -c '${STAT_FORMAT}' -- "$2" 2>/dev/null)" ;; esac
  if [ -L "$2" ]; then
    case $3 in *s*) printf '%s:target=%s\\n' "$1" "$(readlink -- "$2")" ;; esac
    case $3 in *n*) ;; *) printf '%s:stat=%s\\n' "$1" "$(stat -L -c '${STAT_FORMAT}' -- "$2" 2>/dev/null)" ;; esac
  fi
  case $3 in *r*) printf '%s:realpath=%s\\n' "$1" "$(readlink -f -- "$2" 2>/dev/null)" ;; esac
  case $3 in *a*)
    oasis_a=; [ -r "$2" ] && oasis_a=\${oasis_a}r; [ -w "$2" ] && oasis_a=\${oasis_a}w; [ -x "$2" ] && oasis_a=\${oasis_a}x
    printf '%s:access=%s\\n' "$1" "$oasis_a" ;;
  esac
  if [ -f "$2" ]; then
    case $3 in *[cbu]*) [ -r "$2" ] || printf '%s:unreadable=1\\n' "$1" ;; esac
    case $3 in *c*) if [ -r "$2" ]; then printf '%s:sum=' "$1"; "$5" < "$2" || echo; fi ;; esac
    case $3 in *b*) if [ ! -r "$2" ]; then :
      elif [ -n "$4" ] && [ "$(stat -L -c %s -- "$2")" -gt "$4" ]; then printf '%s:toolarge=1\\n' "$1"
      elif command -v base64 >/dev/null 2>&1; then printf '%s:content=base64\\n' "$1"; oasis_x base64 -- "$2"; printf '%s:end\\n' "$1"
      else printf '%s:content=hex\\n' "$1"; od -An -v -tx1 < "$2"; printf '%s:end\\n' "$1"
    fi ;; esac
  fi
  case $3 in *e*) if [ -d "$2" ]; then
    if [ -z "$(ls -A -- "$2" 2>/dev/null)" ]; then printf '%s:empty=1\\n' "$1"; else printf '%s:empty=0\\n' "$1"; fi
  fi ;; esac
  case $3 in *t*) if [ -d "$2" ]; then
    printf '%s:tree\\n' "$1"
    find -H "$2" -exec stat -c '${STAT_FORMAT}' -- {} + 2>/dev/null
    printf '%s:end\\n' "$1"
  fi ;; esac
  return 0
}`);

// The lstat and link target of every probed path from ONE `stat` process (starting processes is
// most of what a task costs the target): "lstats=<indices of the paths that exist>", then stat's
// lines in that order, "lstats:end". A line is %N (the quoted name, and " -> " and the quoted
// target for a link: C-style quoting in the C locale, so any byte comes through; BusyBox quotes
// with bare single quotes), the stat fields, and "|<path as given>" so that a path gone meanwhile
// is noticed. BusyBox prints a newline in a link's target as it is: that line breaks, and the
// link reads as one whose target is unknown (GNU coreutils, as on Raspberry Pi OS, escapes it).
const LSTATS_FN = raw(`oasis_lstats() {
  oasis_n=$#; oasis_k=0; oasis_x=
  while [ "$oasis_k" -lt "$oasis_n" ]; do
    oasis_p=$1; shift
    if [ -e "$oasis_p" ] || [ -L "$oasis_p" ]; then set -- "$@" "$oasis_p"; oasis_x="$oasis_x $oasis_k"; fi
    oasis_k=$((oasis_k+1))
  done
  printf 'lstats=%s\\n' "$oasis_x"
  [ $# -eq 0 ] || LC_ALL=C QUOTING_STYLE=c oasis_x stat -c '%N|${STAT_FORMAT}|%n' -- "$@" 2>/dev/null
  printf 'lstats:end\\n'
}`);

// The sha1 of every regular, readable file among "index path" pairs from ONE sha1sum process:
// "sums=<indices>", then sha1sum's "<hex>  <path>" lines in that order, "sums:end".
const SUMS_FN = raw(`oasis_sums() {
  oasis_x=
  while [ $# -gt 0 ] && [ "$1" != -- ]; do
    if [ -f "$2" ] && [ -r "$2" ]; then oasis_x="$oasis_x $1"; set -- "$@" "$2"; fi
    shift 2
  done
  shift
  printf 'sums=%s\\n' "$oasis_x"
  [ $# -eq 0 ] || oasis_x sha1sum -- "$@" 2>/dev/null
  printf 'sums:end\\n'
}`);

const UNSET = 'unset -f oasis_probe oasis_lstats oasis_sums; unset oasis_a oasis_n oasis_k oasis_x oasis_p';

/** `first` runs before the probes (they then see what it changed), `extra` after them. */
export function inspectScript(probes: Probe[], extra?: Shell, first?: Shell): Shell {
  // A path with a newline would split its stat line: then each probe runs its own stat.
  const batch = probes.length > 0 && !probes.some((p) => p.path.includes('\n'));
  // sha1sum escapes a name holding a backslash: such a file gets its own checksum process.
  const summed = (p: Probe) => batch && p.checksum === true && (p.checksumAlgorithm ?? 'sha1') === 'sha1' && !p.path.includes('\\');
  const sums = probes.flatMap((p, i) => (summed(p) ? [String(i), p.path] : []));
  const calls = probes.map((p, i) => {
    const flags =
      (batch ? '' : 's') +
      (p.checksum ? (summed(p) ? 'u' : 'c') : '') + (p.content ? 'b' : '') + (p.tree ? 't' : '') + (p.access ? 'a' : '') + (p.realpath ? 'r' : '') + (p.emptiness ? 'e' : '') + (p.noFollow ? 'n' : '');
    const algo = p.checksumAlgorithm ?? 'sha1';
    if (!CHECKSUM_ALGORITHMS.includes(algo)) throw new Error(`unknown checksum algorithm ${algo}`);
    return sh`oasis_probe ${i} ${p.path} ${flags || '-'} ${p.maxContent === undefined ? '' : p.maxContent} ${algo + 'sum'}`;
  });
  // `umask` prints by itself: no command substitution, one fork less per inspection.
  const lstats = batch && lines(LSTATS_FN, sh`oasis_lstats ${probes.map((p) => p.path)}`);
  const sumAll = sums.length > 0 && lines(SUMS_FN, sh`oasis_sums ${sums} --`);
  // It may run in the shared shell itself (ExecOptions.inShell): what it set goes with it.
  return lines(PROBE_FN, first, raw(`printf 'umask='; umask`), lstats, sumAll, ...calls, extra, raw(UNSET));
}

const TYPES: Record<number, FileType> = {
  0o100000: 'file',
  0o040000: 'directory',
  0o120000: 'link',
  0o010000: 'fifo',
  0o140000: 'socket',
  0o020000: 'char',
  0o060000: 'block',
};

/**
 * "final=<stat fields>" for a path a script just changed ("final=" if it is gone), printed by the
 * stat itself rather than through `$(...)`, so that the node helper can serve it.
 */
export function finalStatScript(path: string | Shell, follow: boolean): Shell {
  return sh`printf 'final='; oasis_x stat ${raw(follow ? '-L ' : '')}-c ${STAT_FORMAT} -- ${path} 2>/dev/null || echo`;
}

/** The stat finalStatScript printed, if the path was there. */
export function parseFinalStat(stdout: string): StatInfo | undefined {
  const line = /^final=(.*)$/m.exec(stdout)?.[1];
  return line ? parseStat(line) : undefined;
}

export function parseStat(line: string): StatInfo | undefined {
  const f = line.split('|');
  if (f.length < 12) return undefined;
  const raw = parseInt(f[0]!, 16);
  const num = (i: number) => Number(f[i]);
  return {
    type: TYPES[raw & 0o170000] ?? 'unknown',
    mode: raw & 0o7777,
    uid: num(1),
    gid: num(2),
    size: num(3),
    mtime: num(4),
    atime: num(5),
    ctime: num(6),
    nlink: num(7),
    inode: num(8),
    dev: num(9),
    owner: f[10]!,
    group: f.slice(11).join('|'),
  };
}

export function parseInspection(stdout: string, probes: Probe[]): Inspection {
  const paths: PathInfo[] = probes.map((p) => ({ path: p.path, readable: true }));
  let umask = 0o022;
  const text = stdout.split('\n');
  for (let i = 0; i < text.length; i++) {
    const line = text[i]!;
    if (line.startsWith('umask=')) {
      umask = parseInt(line.slice(6), 8) & 0o777;
      continue;
    }
    if (line.startsWith('lstats=')) {
      i = parseBlock(text, i, line.slice(7), paths, 'lstats:end', (p) => `|${p}`, (info, head) => takeLstat(info, head));
      continue;
    }
    if (line.startsWith('sums=')) {
      // sha1sum's own "<hex>  <path>" lines: cutting them on the target would cost processes.
      i = parseBlock(text, i, line.slice(5), paths, 'sums:end', (p) => `  ${p}`, (info, head) => (info.checksum = head));
      continue;
    }
    const m = /^(\d+):(\w+)(?:=(.*))?$/.exec(line);
    if (!m) continue;
    const info = paths[Number(m[1])];
    if (!info) continue;
    const [key, value = ''] = [m[2]!, m[3]];
    // Blocks (content, tree) run until the matching "<n>:end" line.
    const block = (): string[] => {
      const body: string[] = [];
      while (i + 1 < text.length && text[i + 1] !== `${m[1]}:end`) body.push(text[++i]!);
      i++;
      return body;
    };
    switch (key) {
      case 'lstat':
        info.lstat = parseStat(value);
        break;
      case 'stat':
        info.stat = parseStat(value);
        break;
      case 'target':
        info.linkTarget = value;
        break;
      case 'realpath':
        if (value) info.realpath = value;
        break;
      case 'access':
        info.access = { readable: value.includes('r'), writeable: value.includes('w'), executable: value.includes('x') };
        break;
      case 'empty':
        info.empty = value === '1';
        break;
      case 'toolarge':
        info.contentTooLarge = true;
        break;
      case 'unreadable':
        info.readable = false;
        break;
      case 'sum':
        // The tool's own line ("<hex>  -"): cutting it on the target would cost two processes.
        info.checksum = value.split(' ')[0];
        break;
      case 'content': {
        const body = block().join('');
        info.content = value === 'hex' ? Buffer.from(body.replace(/\s+/g, ''), 'hex') : Buffer.from(body, 'base64');
        break;
      }
      case 'tree':
        info.tree = block()
          .map(parseStat)
          .filter((s): s is StatInfo => s !== undefined);
        break;
    }
  }
  for (const info of paths) {
    if (info.lstat && info.lstat.type !== 'link') info.stat = info.lstat;
  }
  return { umask, paths, stdout };
}

const STAT_FIELDS = STAT_FORMAT.split('|').length;

/** An oasis_lstats line without its path: "%N|<stat fields>". */
function takeLstat(info: PathInfo, head: string): void {
  const named = splitQuotedName(head, info.path);
  info.lstat = parseStat(head.slice(named.statAt));
  if (info.lstat?.type === 'link') info.linkTarget = named.target;
}

/**
 * Where the stat fields start after stat's %N, and the link target it names. GNU's C quoting is
 * read from the start, so names may hold anything. BusyBox's bare quotes are not escaped: its
 * target is what comes before the last STAT_FIELDS fields (its names must not hold '|').
 */
export function splitQuotedName(head: string, path: string): { target?: string; statAt: number } {
  if (head.startsWith('"')) {
    const name = unquoteC(head, 0);
    const target = name && head.startsWith(' -> ', name.end) ? unquoteC(head, name.end + 4) : undefined;
    const end = target?.end ?? name?.end;
    if (end !== undefined && head[end] === '|') return { ...(target && { target: target.text }), statAt: end + 1 };
  }
  const fields = head.split('|');
  const quoted = fields.slice(0, -STAT_FIELDS).join('|');
  const statAt = fields.length > STAT_FIELDS ? quoted.length + 1 : 0;
  const arrow = `'${path}' -> '`;
  return quoted.startsWith(arrow) && quoted.endsWith("'") && quoted.length > arrow.length ? { target: quoted.slice(arrow.length, -1), statAt } : { statAt };
}

const C_ESCAPES: Record<string, number> = { a: 7, b: 8, f: 12, n: 10, r: 13, t: 9, v: 11, '\\': 92, '"': 34, "'": 39, '?': 63 };

/** The C-quoted string starting at text[at] (a '"'): its bytes as UTF-8 text, and where it ends. */
function unquoteC(text: string, at: number): { text: string; end: number } | undefined {
  if (text[at] !== '"') return undefined;
  // Most names have no escape: their text is a slice.
  const parts: Buffer[] = [];
  let run = at + 1;
  for (let i = run; i < text.length; i++) {
    const c = text[i]!;
    if (c === '"') {
      if (parts.length === 0) return { text: text.slice(run, i), end: i + 1 };
      parts.push(Buffer.from(text.slice(run, i), 'utf8'));
      return { text: Buffer.concat(parts).toString('utf8'), end: i + 1 };
    }
    if (c !== '\\') continue;
    parts.push(Buffer.from(text.slice(run, i), 'utf8'));
    const octal = /^[0-7]{1,3}/.exec(text.slice(i + 1, i + 4));
    const e = text[i + 1];
    if (octal) parts.push(Buffer.of(parseInt(octal[0], 8) & 0xff));
    else if (e !== undefined && e in C_ESCAPES) parts.push(Buffer.of(C_ESCAPES[e]!));
    else return undefined;
    i += octal ? octal[0].length : 1;
    run = i + 1;
  }
  return undefined;
}

/**
 * The block one process printed for some of the probes (oasis_lstats, oasis_sums), from
 * text[at] to its end line: a line per listed index, in order, ending in `suffix(path)`. A path
 * with no line (removed, or made unreadable, between the test and the process) gets nothing, as
 * if asked a moment later. A line that ends in no listed path's suffix is skipped: BusyBox
 * prints a newline in a link's target as it is, and the part before it must not take the
 * place of the paths after it. Returns the index of the end line.
 */
function parseBlock(text: string[], at: number, indices: string, paths: PathInfo[], end: string, suffix: (path: string) => string, take: (info: PathInfo, head: string) => void): number {
  const listed = indices.split(' ').filter(Boolean).map((k) => paths[Number(k)]).filter((info): info is PathInfo => info !== undefined);
  let next = 0;
  let i = at + 1;
  for (; i < text.length && text[i] !== end; i++) {
    const line = text[i]!;
    for (let j = next; j < listed.length; j++) {
      const tail = suffix(listed[j]!.path);
      if (!line.endsWith(tail)) continue;
      take(listed[j]!, line.slice(0, -tail.length));
      next = j + 1;
      break;
    }
  }
  return i;
}

/** Each probe's answer, in order, from the answers to the distinct ones. */
function answers(probes: Probe[], distinct: Probe[], insp: Inspection): Inspection {
  const byKey = new Map(distinct.map((p, i) => [probeKey(p), insp.paths[i]!]));
  return { ...insp, paths: probes.map((p) => ({ ...byKey.get(probeKey(p))! })) };
}

function distinctProbes(probes: Probe[]): Probe[] {
  const seen = new Set<string>();
  return probes.filter((p) => !seen.has(probeKey(p)) && !!seen.add(probeKey(p)));
}

/** What an inspection since the last script on the target saw of all of `probes`, if one did. */
export function recall(ctx: ModuleContext, probes: Probe[]): Inspection | undefined {
  const distinct = distinctProbes(probes);
  const known = ctx.memory?.recall(distinct);
  return known && answers(probes, distinct, known);
}

/**
 * Runs the probes in one round trip, or none when the target's memory has them all. Resolves
 * to an error message if the script itself failed. The round trip also takes along the
 * probes the next tasks will ask for, and leaves what it saw in the memory, unless `extra`
 * (which runs after the probes, and may change what they saw) is given.
 */
export async function inspect(ctx: ModuleContext, probes: Probe[], extra?: Shell, first?: Shell): Promise<Inspection | { error: string }> {
  if (!extra && !first) {
    const known = recall(ctx, probes);
    if (known) return known;
  }
  // Identical probes (file asks for path, src and path/src, often all one path) run once: each
  // probe costs the target a `stat` process or more.
  const distinct = distinctProbes(probes);
  const memory = extra ? undefined : ctx.memory;
  const all = memory ? distinctProbes([...distinct, ...memory.upcoming()]) : distinct;
  const res = await ctx.exec(inspectScript(all, extra, first), { inShell: true });
  if (res.code !== 0) return { error: (res.stderr || res.stdout).trim() || `exit code ${res.code}` };
  const parsed = parseInspection(res.stdout, all);
  // A probe that did not ask for a checksum keeps none (an eager write prints the one from before it wrote).
  memory?.remember(res.seq, all, { ...parsed, paths: parsed.paths.map((info, i) => (all[i]!.checksum ? info : { ...info, checksum: undefined })) });
  return answers(probes, distinct, parsed);
}

/** Ansible's names for what is at a path: absent, file, directory, link, hard (regular file with links). */
export function stateOf(st: StatInfo | undefined): 'absent' | 'file' | 'directory' | 'link' | 'hard' {
  if (!st) return 'absent';
  if (st.type === 'link') return 'link';
  if (st.type === 'directory') return 'directory';
  if (st.nlink > 1) return 'hard';
  return 'file';
}
