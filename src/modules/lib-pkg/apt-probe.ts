import { lines, raw, sh, type Shell } from '../../shell/sh.js';
import type { PkgSpec } from './apt-names.js';
import { FRAME_END, findCapture, findRecord, framePreamble, isComplete, parseFrames, type Capture } from './frame.js';

/** What the first round trip learns: the package manager, the cache, and each package's state. */
export interface ProbeRequest {
  names: PkgSpec[];
  /** Run `apt-get update` unless the cache is younger than cacheValidTime seconds (0: always). */
  update: boolean;
  cacheValidTime: number;
  check: boolean;
}

export interface DpkgRow {
  /** ${binary:Package}: "nginx", or "libc6:amd64" for Multi-Arch: same packages. */
  pkg: string;
  /** ${db:Status-Abbrev}: want, state, error flag ("ii ", "rc ", "iU ", …). */
  status: string;
  version: string;
}

export type ProbeResult =
  | { kind: 'no-apt'; manager: string }
  | { kind: 'update-failed'; capture: Capture }
  | { kind: 'broken'; stdout: string; stderr: string; rc: number }
  | {
      kind: 'ok';
      /** fresh: younger than cache_valid_time; stale: check mode, would update; updated; or not asked. */
      cache: 'fresh' | 'stale' | 'updated' | 'not-asked';
      cacheTime: number;
      /** name (as apt-cache prints it) → candidate version, null for "(none)" (virtual or no installable version). */
      candidates: Map<string, string | null>;
      dpkg: DpkgRow[];
    };

/** Tools in /usr/sbin (ldconfig, start-stop-daemon) and a parsable locale, as apt needs them. */
export const APT_ENV = raw(`export PATH="\${PATH:-/usr/bin:/bin}:/usr/local/sbin:/usr/sbin:/sbin"
export LC_ALL=C LANG=C DEBIAN_FRONTEND=noninteractive DEBIAN_PRIORITY=critical`);

const DPKG_FORMAT = '${binary:Package}\\t${db:Status-Abbrev}\\t${Version}\\n';

export function probeScript(req: ProbeRequest, marker: string): Shell {
  const names = [...new Set(req.names.map((p) => p.name))];
  return lines(
    framePreamble(marker),
    APT_ENV,
    // Not a Debian-style system: say what manager there is, so `package` can explain.
    raw(`if ! command -v apt-get >/dev/null 2>&1 || ! command -v dpkg-query >/dev/null 2>&1; then
  __o_pm=none
  for __o_x in apk dnf yum zypper pacman opkg; do if command -v "$__o_x" >/dev/null 2>&1; then __o_pm=$__o_x; break; fi; done
  __o_rec manager "$__o_pm"; __o_rec end; exit 0
fi`),
    cacheFragment(req),
    names.length > 0 &&
      lines(
        raw('__o_rec policy'),
        sh`apt-cache policy ${names} 2>/dev/null`,
        raw('__o_rec dpkg'),
        sh`dpkg-query -W -f=${DPKG_FORMAT} ${names} 2>/dev/null`,
      ),
    FRAME_END,
  );
}

/**
 * Age of the cache as Ansible measures it: the update-success stamp if there is one, else the
 * lists directory. Both come from apt's own configuration, so an APT_CONFIG is honoured. After a
 * successful update the lists dir is touched: apt leaves its mtime alone when no list changed,
 * and cache_valid_time would then keep updating.
 */
function cacheFragment(req: ProbeRequest): Shell {
  return lines(
    sh`__o_upd=${req.update ? 1 : 0}; __o_valid=${Math.max(0, Math.floor(req.cacheValidTime))}; __o_check=${req.check ? 1 : 0}`,
    raw(`__o_lists=; __o_state=
eval "$(apt-config shell __o_lists Dir::State::Lists/d __o_state Dir::State/d 2>/dev/null)"
__o_stamp=\${__o_state:-/var/lib/apt/}periodic/update-success-stamp
__o_mtime() {
  if [ -e "$__o_stamp" ]; then date -r "$__o_stamp" +%s
  elif [ -n "$__o_lists" ] && [ -d "$__o_lists" ]; then date -r "$__o_lists" +%s
  else echo 0; fi
}
__o_before=$(__o_mtime); __o_now=$(date +%s)
if [ "$__o_upd" = 0 ]; then __o_rec cache not-asked "$__o_before"
elif [ "$__o_valid" -gt 0 ] && [ $((__o_before + __o_valid)) -ge "$__o_now" ]; then __o_rec cache fresh "$__o_before"
elif [ "$__o_check" = 1 ]; then __o_rec cache stale "$__o_before"
elif __o_cap update apt-get -q update; then
  if [ -n "$__o_lists" ]; then touch "$__o_lists" 2>/dev/null; fi
  __o_rec cache updated "$(__o_mtime)"
else __o_rec end; exit 0
fi`),
  );
}

/** apt-cache policy blocks: "name:" then "  Candidate: x". Unknown names print no block at all. */
export function parsePolicy(text: string): Map<string, string | null> {
  const out = new Map<string, string | null>();
  let current: string | undefined;
  for (const line of text.split('\n')) {
    const head = /^(\S.*):$/.exec(line);
    if (head) {
      current = head[1]!;
      out.set(current, null);
      continue;
    }
    const cand = /^\s+Candidate:\s*(\S+)/.exec(line);
    if (cand && current !== undefined) out.set(current, cand[1] === '(none)' ? null : cand[1]!);
  }
  return out;
}

export function parseDpkg(text: string): DpkgRow[] {
  return text
    .split('\n')
    .filter((l) => l.includes('\t'))
    .map((l) => {
      const [pkg = '', status = '', version = ''] = l.split('\t');
      return { pkg, status, version };
    });
}

export function parseProbe(res: { code: number; stdout: string; stderr: string }, marker: string): ProbeResult {
  const frames = parseFrames(res.stdout, marker);
  const manager = findRecord(frames, 'manager');
  if (manager) return { kind: 'no-apt', manager: manager.fields[1] ?? 'none' };
  const update = findCapture(frames, 'update');
  if (update && update.rc !== 0) return { kind: 'update-failed', capture: update };
  if (!isComplete(frames)) return { kind: 'broken', stdout: res.stdout, stderr: res.stderr, rc: res.code };
  const cache = findRecord(frames, 'cache');
  return {
    kind: 'ok',
    cache: (cache?.fields[1] as 'fresh' | 'stale' | 'updated' | 'not-asked' | undefined) ?? 'not-asked',
    cacheTime: Number(cache?.fields[2] ?? 0) || 0,
    candidates: parsePolicy(findRecord(frames, 'policy')?.body ?? ''),
    dpkg: parseDpkg(findRecord(frames, 'dpkg')?.body ?? ''),
  };
}
