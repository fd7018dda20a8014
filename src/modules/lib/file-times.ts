/**
 * modification_time / access_time of the file module: 'preserve', 'now', or a timestamp in
 * Ansible's default format YYYYMMDDHHMM.SS, which is exactly what `touch -t` takes. The epoch of a
 * timestamp is computed on the target (its time zone decides), by touching a scratch file.
 */
import { lines, sh, type Shell } from '../../shell/sh.js';
import type { StatInfo } from './inspect.js';

export type TimeSpec = { kind: 'preserve' } | { kind: 'now' } | { kind: 'stamp'; stamp: string };

export function parseTimeArg(value: string | undefined, fallback: 'preserve' | 'now', name: string): TimeSpec | { error: string } {
  const v = value ?? fallback;
  if (v === 'preserve' || v === 'now') return { kind: v };
  const m = /^(\d{4})(\d\d)(\d\d)(\d\d)(\d\d)(?:\.(\d\d))?$/.exec(v);
  const [, , mo, d, h, mi, s] = (m ?? []).map(Number);
  if (!m || mo! < 1 || mo! > 12 || d! < 1 || d! > 31 || h! > 23 || mi! > 59 || (s ?? 0) > 60) {
    return { error: `${name} must be 'preserve', 'now' or a time as YYYYMMDDHHMM.SS, not ${JSON.stringify(v)}` };
  }
  return { kind: 'stamp', stamp: v };
}

/** Prints `stamp:<stamp>=<epoch>` for each timestamp, as the target's clock and zone read it. */
export function stampProbe(specs: TimeSpec[]): Shell | undefined {
  const stamps = [...new Set(specs.flatMap((s) => (s.kind === 'stamp' ? [s.stamp] : [])))];
  if (!stamps.length) return undefined;
  return lines(
    ...stamps.map(
      (s) => sh`printf 'stamp:%s=%s\\n' ${s} "$(r=$(mktemp) && touch -t ${s} -- "$r" && stat -c %Y -- "$r"; [ -n "$r" ] && rm -f -- "$r")"`,
    ),
  );
}

export function parseStamps(stdout: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const m of stdout.matchAll(/^stamp:([\d.]+)=(\d+)$/gm)) out.set(m[1]!, Number(m[2]));
  return out;
}

export interface TimePlan {
  changed: boolean;
  script?: Shell;
  before: string[];
  after: string[];
}

/**
 * What to do about times on `path`. `current` undefined means the path is being created (its
 * times are "now" already). 'now' always counts as a change, as in Ansible.
 */
export function planTimes(path: string, mtime: TimeSpec, atime: TimeSpec, current: StatInfo | undefined, stamps: Map<string, number>): TimePlan {
  const plan: TimePlan = { changed: false, before: [], after: [] };
  const cmds: Shell[] = [];
  const nowFlags: string[] = [];
  const one = (spec: TimeSpec, flag: '-m' | '-a', label: 'mtime' | 'atime', cur: number | undefined) => {
    if (spec.kind === 'preserve') return;
    if (spec.kind === 'now') {
      if (current) nowFlags.push(flag);
      plan.changed ||= current !== undefined;
      if (cur !== undefined) {
        plan.before.push(`${label}: ${cur}`);
        plan.after.push(`${label}: now`);
      }
      return;
    }
    const want = stamps.get(spec.stamp);
    if (current && want !== undefined && want === cur) return;
    plan.changed = true;
    if (cur !== undefined) {
      plan.before.push(`${label}: ${cur}`);
      plan.after.push(`${label}: ${want ?? spec.stamp}`);
    }
    cmds.push(sh`touch -c ${flag} -t ${spec.stamp} -- ${path} || exit 1`);
  };
  one(mtime, '-m', 'mtime', current?.mtime);
  one(atime, '-a', 'atime', current?.atime);
  // Both 'now': a plain touch, which (like utime(path, None)) needs no ownership of the file.
  if (nowFlags.length === 2) cmds.unshift(sh`touch -c -- ${path} || exit 1`);
  else if (nowFlags.length === 1) cmds.unshift(sh`touch -c ${nowFlags[0]!} -- ${path} || exit 1`);
  if (cmds.length) plan.script = lines(...cmds);
  return plan;
}
