// The one script discovery runs per node: the metadata file and, in the same round trip, what
// /proc says (load, memory, cores, temperature), so a node without an agent still has figures.
// Needs sh and coreutils only. Output: `key=value` lines, then `meta=file` and the file, or `meta=none`.
import { metadataFileAssignment } from '../agent/service-script.js';
import type { LoadAverages } from '../agent/metadata.js';
import { raw, sh, type Shell } from '../shell/sh.js';

const BODY = `printf 'now=%s\\n' "$(date +%s)"
printf 'uname=%s\\n' "$(uname -nm)"
printf 'nproc=%s\\n' "$(nproc 2>/dev/null || getconf _NPROCESSORS_ONLN 2>/dev/null)"
read l1 l5 l15 _ 2>/dev/null </proc/loadavg && printf 'loadavg=%s %s %s\\n' "$l1" "$l5" "$l15"
while read k v _; do
  case $k in MemTotal:|MemAvailable:|MemFree:|Buffers:|Cached:) printf 'mem.%s=%s\\n' "\${k%:}" "$v" ;; esac
done 2>/dev/null </proc/meminfo
t=$(cat /sys/class/thermal/thermal_zone0/temp 2>/dev/null) && printf 'temp=%s\\n' "$t"
if [ -f "$f" ]; then printf 'meta=file\\n'; cat "$f"; else printf 'meta=none\\n'; fi`;

export function probeScript(metadataFile: string): Shell {
  return sh`${metadataFileAssignment(metadataFile)}
${raw(BODY)}`;
}

export interface ProbeData {
  /** The node's clock, in seconds since the epoch (ages are measured with it: no clock skew). */
  now: number;
  hostname?: string;
  arch?: string;
  cores?: number;
  load?: LoadAverages;
  memory?: { totalBytes: number; availableBytes: number };
  temperatureC: number | null;
  /** The metadata file's text; undefined when there is none. */
  metaText?: string;
}

export function parseProbe(stdout: string, where: string): ProbeData {
  const at = stdout.search(/^meta=(file|none)$/m);
  if (at < 0) throw new Error(`${where}: unexpected probe output (no meta= line): ${stdout.slice(0, 200)}`);
  const nl = stdout.indexOf('\n', at);
  const kind = stdout.slice(at + 5, nl < 0 ? undefined : nl);
  const kv = new Map<string, string>();
  for (const line of stdout.slice(0, at).split('\n')) {
    const eq = line.indexOf('=');
    if (eq > 0) kv.set(line.slice(0, eq), line.slice(eq + 1).trim());
  }
  const num = (k: string) => {
    const v = kv.get(k);
    const n = v === undefined || v === '' ? NaN : Number(v);
    return Number.isFinite(n) ? n : undefined;
  };
  const [hostname, arch] = (kv.get('uname') ?? '').split(/\s+/);
  const [l1, l5, l15] = (kv.get('loadavg') ?? '').split(' ').map(Number);
  const total = num('mem.MemTotal');
  // Kernels before 3.14 have no MemAvailable: free + buffers + page cache is the old estimate.
  const avail = num('mem.MemAvailable') ?? sum(num('mem.MemFree'), num('mem.Buffers'), num('mem.Cached'));
  const temp = num('temp');
  return {
    now: num('now') ?? Date.now() / 1000,
    ...(hostname && { hostname }),
    ...(arch && { arch }),
    ...(num('nproc') && { cores: num('nproc') }),
    ...(l1 !== undefined && [l1, l5, l15].every((x) => Number.isFinite(x)) && { load: { load1: l1, load5: l5!, load15: l15! } }),
    ...(total && avail !== undefined && { memory: { totalBytes: total * 1024, availableBytes: avail * 1024 } }),
    temperatureC: temp === undefined ? null : temp / 1000,
    ...(kind === 'file' && { metaText: nl < 0 ? '' : stdout.slice(nl + 1) }),
  };
}

function sum(...xs: (number | undefined)[]): number | undefined {
  return xs.every((x) => x !== undefined) ? xs.reduce<number>((a, b) => a + b!, 0) : undefined;
}
