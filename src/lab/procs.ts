// Small /proc helpers: the lab finds its processes by what they are (mount namespace,
// mounts, command line), not by recorded pids, so a stale state file can never make it
// kill an unrelated process that reused a pid.
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';

export function listPids(): number[] {
  return readdirSync('/proc')
    .filter((e) => /^\d+$/.test(e))
    .map(Number);
}

/** "mnt:[4026532177]" or undefined when the process is gone (or a zombie). */
export function mountNamespace(pid: number | 'self'): string | undefined {
  try {
    return readlinkSync(`/proc/${pid}/ns/mnt`);
  } catch {
    return undefined;
  }
}

export function commandLine(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ');
  } catch {
    return '';
  }
}

/** True while the process exists and is not a zombie. */
export function isAlive(pid: number): boolean {
  if (!(pid > 0)) return false;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return false;
  }
}

export function childrenOf(pid: number): number[] {
  try {
    return readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number);
  } catch {
    return [];
  }
}

/** mount point -> source path within its filesystem, from /proc/<pid>/mountinfo. */
export function mountRoots(pid: number): Map<string, string> {
  const out = new Map<string, string>();
  let text: string;
  try {
    text = readFileSync(`/proc/${pid}/mountinfo`, 'utf8');
  } catch {
    return out;
  }
  const unescape = (s: string) => s.replace(/\\([0-7]{3})/g, (_, o: string) => String.fromCharCode(parseInt(o, 8)));
  for (const line of text.split('\n')) {
    const f = line.split(' ');
    if (f[3] !== undefined && f[4] !== undefined) out.set(unescape(f[4]), unescape(f[3]));
  }
  return out;
}

/** Groups live processes by mount namespace. */
export function processesByNamespace(): Map<string, number[]> {
  const byNs = new Map<string, number[]>();
  for (const pid of listPids()) {
    const ns = mountNamespace(pid);
    if (!ns) continue;
    const list = byNs.get(ns);
    if (list) list.push(pid);
    else byNs.set(ns, [pid]);
  }
  return byNs;
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
