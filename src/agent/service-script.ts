// The remote half of the services registry: one POSIX sh script (sh + coreutils only: no node,
// jq, sed or awk on the node) that adds or removes a service in one round trip, under the same
// lock and with the same write-then-recheck rule as the agent (lock.ts, store.ts).
import { raw, sh, type Shell } from '../shell/sh.js';
import { SERVICE_NAME_RE, SERVICES_LINE } from './metadata.js';

export type RegistryOp = 'add' | 'remove';

export interface RegistryOptions {
  /** Metadata file on the node; `~/` is the login user's home. Default `~/meta-data.json`. */
  file?: string;
  /** Extra fields recorded with an added service (e.g. `{version: '1.2'}`). */
  info?: Record<string, unknown>;
}

/** Why `file` cannot name a node's metadata file (a relative path would depend on the login directory); undefined if it can. */
export function metadataFileProblem(file: unknown): string | undefined {
  if (typeof file !== 'string') return `must be a path (absolute or starting with ~/), got ${JSON.stringify(file)}`;
  if (file === '~' || file.startsWith('~/') || file.startsWith('/')) return undefined;
  return `metadata file '${file}' must be absolute or start with ~/`;
}

/** `f=...` with `~/` expanded by the node's shell, everything else quoted. */
export function metadataFileAssignment(file: string): Shell {
  if (file === '~' || file.startsWith('~/')) return sh`f="$HOME"/${file.slice(2) || 'meta-data.json'}`;
  const problem = metadataFileProblem(file);
  if (problem) throw new Error(problem);
  return sh`f=${file}`;
}

/** `,"k":v` for each extra field: appended inside the marker's JSON object. */
function infoFragment(info: Record<string, unknown> | undefined): string {
  return Object.entries(info ?? {})
    .filter(([k, v]) => k !== 'installedAt' && v !== undefined)
    .map(([k, v]) => `,${JSON.stringify(k)}:${JSON.stringify(v)}`)
    .join('');
}

// Fixed text: the lock protocol of lock.ts, the marker listing, and the rewrite of the file.
const BODY = String.raw`d=${'$'}{f%/*}/.oasis/services
lock=$f.lock
stamp() { date -u +%Y-%m-%dT%H:%M:%SZ; }
mkdir -p "$d" || { echo "oasis: cannot create $d" >&2; exit 1; }
n=0
echo $$ > "$lock.$$" || { echo "oasis: cannot write $lock.$$" >&2; exit 1; }
until ln "$lock.$$" "$lock" 2>/dev/null; do
  o=$(cat "$lock" 2>/dev/null) && t=$(stat -c %Y "$lock" 2>/dev/null) || continue
  if { ! kill -0 "$o" 2>/dev/null && [ ! -d "/proc/$o" ]; } || [ $(( $(date +%s) - t )) -gt 15 ]; then
    [ "$(cat "$lock" 2>/dev/null)" = "$o" ] && rm -f "$lock"
    continue
  fi
  n=$((n + 1))
  [ "$n" -lt 2000 ] || { rm -f "$lock.$$"; echo "oasis: $lock is held by pid $o for too long; remove it if that process is stuck" >&2; exit 1; }
  sleep 0.02 2>/dev/null || sleep 1
done
rm -f "$lock.$$"
trap '[ "$(cat "$lock" 2>/dev/null)" = "$$" ] && rm -f "$lock"' EXIT
result=ok
case $op in
  add)
    if [ ! -f "$d/$name" ]; then
      printf '{"installedAt":"%s"%s}\n' "$(stamp)" "$info" > "$d/.$name.tmp.$$" && mv -f "$d/.$name.tmp.$$" "$d/$name" || exit 1
      result=changed
    fi ;;
  remove)
    if [ -e "$d/$name" ]; then rm -f "$d/$name" || exit 1; result=changed; fi ;;
esac
services() {
  sep=''
  for m in "$d"/*; do
    [ -f "$m" ] || continue
    k=${'$'}{m##*/}
    case $k in .*|*[!A-Za-z0-9_.-]*) continue ;; esac
    v=''; IFS= read -r v < "$m" || :
    case $v in '{"installedAt":"'*'}') ;; *) v="{\"installedAt\":\"$(date -u -r "$m" +%Y-%m-%dT%H:%M:%SZ)\"}" ;; esac
    printf '%s    "%s": %s' "$sep" "$k" "$v"
    sep=',
'
  done
}
while :; do
  s=$(services)
  h=''; found=0
  if [ -f "$f" ]; then
    while IFS= read -r l; do
      if [ "$l" = "$opening" ]; then found=1; break; fi
      h="$h$l
"
    done < "$f"
  fi
  [ "$found" = 1 ] || h="{
  \"schemaVersion\": 1,
  \"updatedAt\": \"$(stamp)\",
"
  { printf '%s%s\n' "$h" "$opening"; [ -z "$s" ] || printf '%s\n' "$s"; printf '  }\n}\n'; } > "$f.tmp.$$" &&
    { sync "$f.tmp.$$" 2>/dev/null || sync; } && mv -f "$f.tmp.$$" "$f" || { rm -f "$f.tmp.$$"; echo "oasis: cannot write $f" >&2; exit 1; }
  [ "$(services)" = "$s" ] && break
done
echo "$result"`;

/**
 * The script that adds or removes service `name` in a node's registry. It prints `changed` or
 * `ok` (already so) and exits non-zero with a message on stderr when it cannot.
 */
export function serviceRegistryScript(op: RegistryOp, name: string, options: RegistryOptions = {}): Shell {
  if (op !== 'add' && op !== 'remove') throw new Error(`service registry: unknown operation '${String(op)}' (add or remove)`);
  if (!SERVICE_NAME_RE.test(name)) throw new Error(`service name '${name}' is not allowed: use letters, digits, _ . - (not first)`);
  return sh`${metadataFileAssignment(options.file ?? '~/meta-data.json')}
op=${op}; name=${name}; info=${infoFragment(options.info)}; opening=${SERVICES_LINE}
${raw(BODY)}`;
}
