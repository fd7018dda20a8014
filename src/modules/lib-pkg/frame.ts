import { randomBytes } from 'node:crypto';
import { lines, raw, sh, type Shell } from '../../shell/sh.js';

/**
 * Framing for scripts that report several things at once. Every record is a line
 * "\n<marker>\tfield\tfield…\n"; whatever follows it up to the next record is its body. The
 * marker is random per run, so nothing a program prints can be taken for a record.
 */
export interface Frame {
  fields: string[];
  body: string;
}

/** Output of one command run through `__o_cap`. */
export interface Capture {
  rc: number;
  stdout: string;
  stderr: string;
}

export function newMarker(): string {
  return `oasis-${randomBytes(12).toString('hex')}`;
}

/**
 * Defines `__o_rec FIELD…` (print a record) and `__o_cap TAG CMD…` (run CMD with its output in
 * files, then print it framed). Files, not pipes: a daemon started by CMD inherits its stdout,
 * and a pipe it holds open would keep the whole exec from ever finishing.
 */
export function framePreamble(marker: string): Shell {
  return lines(
    sh`__o_m=${marker}`,
    raw(`__o_rec() { printf '\\n%s' "$__o_m"; for __o_x in "$@"; do printf '\\t%s' "$__o_x"; done; printf '\\n'; }
__o_cap() {
  __o_t=$1; shift
  __o_o=$(mktemp) || return 125
  __o_e=$(mktemp) || { rm -f "$__o_o"; return 125; }
  "$@" </dev/null >"$__o_o" 2>"$__o_e"; __o_c=$?
  __o_rec cap "$__o_t" "$__o_c"; cat "$__o_o"; __o_rec err; cat "$__o_e"
  rm -f "$__o_o" "$__o_e"
  return "$__o_c"
}`),
  );
}

/** The last line of a framed script: without it the output was cut short. */
export const FRAME_END = raw('__o_rec end');

export function parseFrames(stdout: string, marker: string): Frame[] {
  const pieces = stdout.split(`\n${marker}`);
  pieces.shift(); // whatever came before the first record (a chatty profile, say)
  return pieces.map((p) => {
    const nl = p.indexOf('\n');
    const head = nl < 0 ? p : p.slice(0, nl);
    return { fields: head.split('\t').slice(1), body: nl < 0 ? '' : p.slice(nl + 1) };
  });
}

/** The first `__o_cap` result tagged `tag`, with its stderr from the following record. */
export function findCapture(frames: Frame[], tag: string): Capture | undefined {
  const i = frames.findIndex((f) => f.fields[0] === 'cap' && f.fields[1] === tag);
  if (i < 0) return undefined;
  const err = frames[i + 1]?.fields[0] === 'err' ? frames[i + 1]!.body : '';
  return { rc: Number(frames[i]!.fields[2]), stdout: frames[i]!.body, stderr: err };
}

export function findRecord(frames: Frame[], tag: string): Frame | undefined {
  return frames.find((f) => f.fields[0] === tag);
}

export function isComplete(frames: Frame[]): boolean {
  return frames.at(-1)?.fields[0] === 'end';
}
