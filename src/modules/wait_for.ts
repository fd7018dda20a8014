import { isIPv4, isIPv6 } from 'node:net';
import { lines, raw, sh, type Shell } from '../shell/sh.js';
import type { ModuleResult, RemoteModule } from './types.js';

export interface WaitForArgs {
  host?: string;
  port?: number;
  path?: string;
  state?: 'started' | 'present' | 'stopped' | 'absent';
  search_regex?: string;
  timeout?: number;
  delay?: number;
  sleep?: number;
  connect_timeout?: number;
  msg?: string;
}

/** How the target tells whether host:port accepts connections. */
export type PortProbe =
  /** Loopback/wildcard host: a LISTEN socket in /proc/net/tcp{,6} bound to one of `addrs`. */
  | { kind: 'loop'; addrs: string[] }
  /** Other IP literal: /proc check if the target owns the address, else a connect probe. */
  | { kind: 'ip'; addrs: string[]; family: 4 | 6; local: string }
  /** Host name: a connect probe (nc -z, else bash /dev/tcp). */
  | { kind: 'name' };

const hex = (bytes: number[]) => bytes.map((b) => b.toString(16).padStart(2, '0')).join('').toUpperCase();

/** /proc/net/tcp prints each 32-bit word in host byte order: give both orders (LE and BE hosts). */
function procForms(bytes: number[]): string[] {
  const be = hex(bytes);
  let le = '';
  for (let i = 0; i < bytes.length; i += 4) le += hex(bytes.slice(i, i + 4).reverse());
  return le === be ? [be] : [le, be];
}

const v4Bytes = (ip: string) => ip.split('.').map(Number);

export function v6Bytes(ip: string): number[] {
  let s = ip.replace(/%.*$/, '');
  const tail = /(\d+\.\d+\.\d+\.\d+)$/.exec(s);
  if (tail) {
    const b = v4Bytes(tail[1]!);
    s = s.slice(0, -tail[1]!.length) + `${((b[0]! << 8) | b[1]!).toString(16)}:${((b[2]! << 8) | b[3]!).toString(16)}`;
  }
  const [head, rest] = s.split('::') as [string, string | undefined];
  const h = head ? head.split(':') : [];
  const r = rest ? rest.split(':') : [];
  const groups = rest === undefined ? h : [...h, ...Array<string>(8 - h.length - r.length).fill('0'), ...r];
  return groups.flatMap((g) => {
    const n = parseInt(g, 16);
    return [n >> 8, n & 255];
  });
}

const ZERO4 = [0, 0, 0, 0];
const ZERO16 = Array<number>(16).fill(0);
const mapped = (b: number[]) => [...Array<number>(10).fill(0), 255, 255, ...b];

export function portProbe(host: string): PortProbe {
  const h = host.replace(/^\[(.*)\]$/, '$1');
  const forV4 = (b: number[]) => [...procForms(b), ...procForms(mapped(b))];
  const wildcards = [...procForms(ZERO4), ...procForms(ZERO16)];
  if (h === 'localhost' || h === '0.0.0.0' || h === '::' || h === '::1' || (isIPv4(h) && h.startsWith('127.'))) {
    // Connecting to a wildcard address reaches the loopback interface.
    const v4 = h === '::' || h === '::1' ? [] : forV4(h === 'localhost' || h === '0.0.0.0' ? [127, 0, 0, 1] : v4Bytes(h));
    const v6 = h.includes('.') ? [] : procForms([...ZERO16.slice(1), 1]);
    return { kind: 'loop', addrs: [...new Set([...wildcards, ...v4, ...v6])] };
  }
  if (isIPv4(h)) return { kind: 'ip', family: 4, local: h, addrs: [...new Set([...wildcards, ...forV4(v4Bytes(h))])] };
  if (isIPv6(h)) {
    const b = v6Bytes(h);
    return { kind: 'ip', family: 6, local: hex(b).toLowerCase(), addrs: [...new Set([...wildcards, ...procForms(b)])] };
  }
  return { kind: 'name' };
}

/** Python-style \d \s \w (common in Ansible search_regex) → POSIX classes grep -E knows. */
export function toEre(re: string): string {
  const cls: Record<string, string> = { d: '[0-9]', D: '[^0-9]', s: '[[:space:]]', S: '[^[:space:]]', w: '[[:alnum:]_]', W: '[^[:alnum:]_]' };
  let out = '';
  let inBracket = false;
  for (let i = 0; i < re.length; i++) {
    const c = re[i]!;
    if (c === '\\' && i + 1 < re.length) {
      const n = re[++i]!;
      out += !inBracket && cls[n] ? cls[n] : c + n;
    } else {
      if (c === '[' && !inBracket) inBracket = true;
      else if (c === ']' && inBracket && out[out.length - 1] !== '[' && !out.endsWith('[^')) inBracket = false;
      out += c;
    }
  }
  return out;
}

export interface WaitPlan {
  what: 'port' | 'path' | 'sleep';
  up: boolean; // wait for present/started (true) or absent/stopped (false)
  host: string;
  port: number;
  path: string;
  regex: string;
  timeoutMs: number;
  delay: number;
  sleep: number;
  connectTimeout: number;
  probe: PortProbe;
}

/**
 * The whole wait loop runs on the target in one script. Its only stdout is the final line
 * `oasis-wait ok|timeout|noprobe ELAPSED_MS`; every probe's own output goes to /dev/null.
 */
export function waitForScript(p: WaitPlan): Shell {
  const probe = p.probe;
  return lines(
    sh`what=${p.what} want=${p.up ? 'up' : 'down'} host=${p.host} port=${p.port} path=${p.path} re=${p.regex}`,
    sh`tmo=${p.timeoutMs} delay=${p.delay} slp=${p.sleep} ct=${p.connectTimeout}`,
    sh`kind=${probe.kind} addrs=${probe.kind === 'name' ? '' : probe.addrs.join(' ')} local=${probe.kind === 'ip' ? probe.local : ''} fam=${probe.kind === 'ip' ? probe.family : 0}`,
    sh`hexport=${p.port.toString(16).toUpperCase().padStart(4, '0')}`,
    raw(WAIT_LIB),
  );
}

// Fixed shell code (no JS interpolation: every `\${` is escaped); the values above are its only inputs.
const WAIT_LIB = `
now_ms() { t=$(date +%s%N 2>/dev/null); case $t in *[!0-9]*|'') t=0;; esac
  # %N is optional in BusyBox: fall back to whole seconds when it gives no nanoseconds.
  if [ \${#t} -lt 19 ]; then t=$(date +%s)000000000; fi; echo $((t / 1000000)); }
listening() { for f in /proc/net/tcp /proc/net/tcp6; do [ -r "$f" ] || continue
    # grep keeps only LISTEN (0A) sockets on our local port; the loop compares addresses.
    grep -e ":$hexport [0-9A-Fa-f]*:[0-9A-Fa-f]* 0A " "$f" 2>/dev/null | {
      while read -r _ la _; do for a in $addrs; do [ "\${la%:*}" = "$a" ] && exit 0; done; done; exit 1; } && return 0
  done; return 1; }
owns_ip() { if [ "$fam" = 4 ]; then [ -r /proc/net/fib_trie ] || return 2; prev=
    while read -r a b c _; do case $a in '|--') prev=$b;; '+--') prev=;; */*) [ "$prev" = "$local" ] && [ "$c" = LOCAL ] && return 0;; esac
    done < /proc/net/fib_trie; return 1; fi
  [ -r /proc/net/if_inet6 ] || return 2
  while read -r a _; do [ "$a" = "$local" ] && return 0; done < /proc/net/if_inet6; return 1; }
connects() {
  if command -v nc >/dev/null 2>&1; then
    err=$(nc -z -w "$ct" "$host" "$port" </dev/null 2>&1 >/dev/null) && return 0
    # A netcat without -z (e.g. a small BusyBox build) cannot probe: try the next tool.
    case $err in *nvalid\\ option*|*llegal\\ option*|*nrecognized\\ option*|*sage:*) ;; *) return 1;; esac
  fi
  if command -v bash >/dev/null 2>&1; then
    if command -v timeout >/dev/null 2>&1; then
      timeout "$ct" bash -c 'exec 3<>"/dev/tcp/$1/$2"' _ "$host" "$port" </dev/null >/dev/null 2>&1; return
    fi
    bash -c 'exec 3<>"/dev/tcp/$1/$2"' _ "$host" "$port" </dev/null >/dev/null 2>&1; return
  fi
  echo "oasis-wait noprobe 0"; exit 0; }
port_up() {
  if [ "$kind" != name ] && [ -r /proc/net/tcp ]; then
    if [ "$kind" = loop ]; then listening; return; fi
    owns_ip; case $? in 0) listening; return;; 1) connects; return;; esac
  fi
  connects; }
path_up() { [ -e "$path" ] || return 1; [ -z "$re" ] || grep -E -q -e "$re" -- "$path" 2>/dev/null; }
start=$(now_ms); end=$((start + tmo))
if [ "$delay" != 0 ]; then sleep "$delay"; fi
if [ "$what" = sleep ]; then sleep $((tmo / 1000)); echo "oasis-wait ok $(($(now_ms) - start))"; exit 0; fi
while :; do
  if [ "$what" = port ]; then port_up; else path_up; fi; r=$?
  if { [ "$want" = up ] && [ $r = 0 ]; } || { [ "$want" = down ] && [ $r != 0 ]; }; then
    echo "oasis-wait ok $(($(now_ms) - start))"; exit 0; fi
  [ "$(now_ms)" -lt "$end" ] || { echo "oasis-wait timeout $(($(now_ms) - start))"; exit 0; }
  sleep "$slp" 2>/dev/null || sleep 1
done`;

/** ansible.builtin.wait_for on a target that has only sh: waits for a port, a file, or time. */
export const waitFor: RemoteModule<WaitForArgs> = {
  kind: 'remote',
  name: 'wait_for',
  schema: {
    type: 'object',
    properties: {
      host: { type: 'string', default: '127.0.0.1', description: 'A resolvable hostname or IP address to wait for (seen from the target).' },
      port: { type: 'integer', minimum: 1, maximum: 65535, description: 'Port number to poll.' },
      path: { type: 'string', description: 'Path to a file on the target; wait until it exists (or is absent).' },
      state: {
        type: 'string',
        enum: ['started', 'present', 'stopped', 'absent'],
        default: 'started',
        description: 'started/present: wait until the port accepts connections or the file exists; stopped/absent: until it no longer does.',
      },
      search_regex: { type: 'string', description: 'With path: wait until the file matches this (extended, line-based) regular expression.' },
      timeout: { type: 'number', minimum: 0, default: 300, description: 'Maximum number of seconds to wait for.' },
      delay: { type: 'number', minimum: 0, default: 0, description: 'Seconds to wait before starting to poll.' },
      sleep: { type: 'number', minimum: 0, default: 1, description: 'Seconds to sleep between checks.' },
      connect_timeout: { type: 'integer', minimum: 1, default: 5, description: 'Seconds to wait for a connection before giving up and retrying (remote hosts).' },
      msg: { type: 'string', description: 'This overrides the normal error message on timeout.' },
    },
    additionalProperties: false,
  },
  docs: {
    summary: 'Wait for a port to open or close, a file to appear (optionally containing a pattern) or vanish, or just for some time.',
    example: '- wait_for:\n    port: 8080\n    timeout: 60',
  },
  // Waiting changes nothing, so it runs in check mode too (as Ansible does).
  supportsCheckMode: () => true,
  async run(args, ctx) {
    const state = args.state ?? 'started';
    const host = args.host ?? '127.0.0.1';
    const fail = (msg: string): ModuleResult => ({ changed: false, failed: true, msg, elapsed: 0 });
    if (args.port !== undefined && args.path !== undefined) return fail('port and path parameter can not both be passed to wait_for');
    if (args.path !== undefined && state === 'stopped') return fail('state=stopped should only be used for checking a port in the wait_for module');
    if (args.search_regex !== undefined && args.path === undefined) return fail('search_regex is only supported with path in this wait_for');
    const port = Number(args.port ?? 0);
    if (args.port !== undefined && !(Number.isInteger(port) && port >= 1 && port <= 65535)) return fail(`invalid port: ${args.port}`);

    const plan: WaitPlan = {
      what: args.port !== undefined ? 'port' : args.path !== undefined ? 'path' : 'sleep',
      up: state === 'started' || state === 'present',
      host,
      port,
      path: args.path ?? '',
      regex: args.search_regex === undefined ? '' : toEre(args.search_regex),
      timeoutMs: Math.round(Number(args.timeout ?? 300) * 1000),
      delay: Number(args.delay ?? 0),
      sleep: Number(args.sleep ?? 1),
      connectTimeout: Math.max(1, Math.round(Number(args.connect_timeout ?? 5))),
      probe: args.port !== undefined ? portProbe(host) : { kind: 'name' },
    };
    const res = await ctx.exec(waitForScript(plan));
    const m = /^oasis-wait (ok|timeout|noprobe) (\d+)$/m.exec(res.stdout);
    if (!m) return fail(`wait_for script failed (rc ${res.code}): ${res.stderr.trim() || res.stdout.trim()}`);
    const elapsed = Math.floor(Number(m[2]) / 1000);
    const where = `${host}:${port}`;
    if (m[1] === 'noprobe') {
      return { ...fail(`cannot check ${where} from the target: it is not a local address and neither nc (with -z) nor bash is installed`), elapsed };
    }
    if (m[1] === 'timeout') {
      let text: string;
      if (plan.what === 'port') text = plan.up ? `Timeout when waiting for ${where}` : `Timeout when waiting for ${where} to stop.`;
      else if (!plan.up) text = `Timeout when waiting for ${args.path} to be absent.`;
      else if (args.search_regex !== undefined) text = `Timeout when waiting for search string ${args.search_regex} in ${args.path}`;
      else text = `Timeout when waiting for file ${args.path}`;
      return { changed: false, failed: true, msg: args.msg ?? text, elapsed };
    }
    return {
      changed: false,
      elapsed,
      state,
      port: args.port === undefined ? null : port,
      path: args.path ?? null,
      search_regex: args.search_regex ?? null,
    };
  },
};
