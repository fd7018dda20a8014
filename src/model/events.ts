/** Engine → reporters. Reporters read these and nothing else. */

export type TaskStatus = 'ok' | 'changed' | 'failed' | 'skipped' | 'unreachable' | 'rescued' | 'ignored';

export interface HostCounters {
  ok: number;
  changed: number;
  unreachable: number;
  failed: number;
  skipped: number;
  rescued: number;
  ignored: number;
}

export type RunEvent =
  | { type: 'playbook_start'; file: string }
  | { type: 'play_start'; name: string; hosts: string[] }
  | { type: 'task_start'; name: string; hosts: string[]; handler: boolean; path?: string }
  | {
      type: 'host_result';
      task: string;
      host: string;
      /** What is shown: ok, changed, failed (ignoring when ignored), skipped, unreachable. */
      status: 'ok' | 'changed' | 'failed' | 'skipped' | 'unreachable';
      ignored: boolean;
      /** Label of the loop item, when the result is for one item of a loop. */
      item?: string;
      msg?: string;
      /** The result as registered (secrets already removed under no_log). */
      result: Record<string, unknown>;
      diff?: { before: string; after: string; path?: string };
      delegatedTo?: string;
      /** The end of a loop whose items were shown: Ansible prints only `...ignoring` or `skipping:` for it. */
      loopSummary?: boolean;
      /** The module that produced the result (debug output is shown pared down, as Ansible does). */
      module?: string;
    }
  /** include_tasks brought in a file for a host (one per loop item); Ansible counts it as ok. */
  | { type: 'included'; file: string; host: string; item?: string }
  | { type: 'warning'; message: string }
  | { type: 'play_end'; name: string }
  | { type: 'recap'; hosts: Record<string, HostCounters>; exitCode: number; durationMs: number };

export interface Reporter {
  event(e: RunEvent): void;
  /** Flush and release the terminal. */
  close(): Promise<void>;
}

export function emptyCounters(): HostCounters {
  return { ok: 0, changed: 0, unreachable: 0, failed: 0, skipped: 0, rescued: 0, ignored: 0 };
}
