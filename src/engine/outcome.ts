/** What running one task on one host came to. */
export interface Outcome {
  status: 'ok' | 'changed' | 'failed' | 'skipped' | 'unreachable';
  result: Record<string, unknown>;
  /** A failure that ignore_errors turned into ok + ignored. */
  ignored: boolean;
  /** meta actions, handled by the play runner. */
  meta?: 'flush_handlers' | 'end_play' | 'end_host';
  /** No line and no count (meta tasks, unselected run_once followers). */
  silent?: boolean;
}

export const NO_LOG_RESULT = "the output has been hidden due to the fact that 'no_log: true' was specified for this result";

export function isFailed(r: Record<string, unknown>): boolean {
  return r['failed'] === true;
}
