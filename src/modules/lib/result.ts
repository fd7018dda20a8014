/** Small helpers so every module reports failures and diffs the same way. */
import type { ModuleResult } from '../types.js';

/** A target-side or argument failure: never thrown, always reported. */
export function fail(msg: string, extra: Record<string, unknown> = {}): ModuleResult {
  return { ...extra, changed: false, failed: true, msg };
}

/** The diff for --diff, or nothing when the context did not ask for one. */
export function makeDiff(enabled: boolean, before: string, after: string, path: string): { diff?: ModuleResult['diff'] } {
  return enabled ? { diff: { before, after, path } } : {};
}

/** Joins diff lines into text with a trailing newline (empty text for no lines). */
export function diffLines(parts: string[]): string {
  return parts.length ? parts.join('\n') + '\n' : '';
}
