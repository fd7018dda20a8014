/**
 * Terminal view with listr2: one spinner line per play task whose title counts hosts as
 * results stream in; finished tasks collapse to that line. Failures, diffs (and every host
 * line with -v) show as one-line previews under the running task, then are written in full
 * below its final line, where nothing erases them. (Full text inside listr2's live area
 * could outgrow the screen, and log-update cannot erase lines that scrolled away.)
 *
 * The engine calls `event()` synchronously while listr2 renders asynchronously, so each
 * play task gets its own short-lived Listr run, queued on a promise chain; the listr task
 * waits on a promise resolved when the engine moves on (next task, play end, recap, close).
 * Banners and the recap are written between runs, when no Listr owns the terminal.
 */

import { DefaultRenderer, Listr, ListrLogger, ProcessOutput } from 'listr2';
import type { Reporter, RunEvent } from '../model/events.js';
import { banner } from './ansi.js';
import { formatDiff, formatHostResult, formatWarning, type HostResultEvent } from './format-result.js';
import { formatRecap } from './recap.js';
import { includedLine } from './included.js';

export interface LiveReporterOptions {
  out: NodeJS.WritableStream;
  err?: NodeJS.WritableStream;
  verbosity: number;
  diff: boolean;
  color: boolean;
}

/** listr2 checks process.stdout for a TTY; we already checked our own stream, so allow any. */
class LiveRenderer extends DefaultRenderer {
  static override nonTTY = true;
}

type HostStatus = 'skipped' | 'ok' | 'changed' | 'ignored' | 'failed' | 'unreachable';
/** Worst wins when a host reports several results (loop items). */
const RANK: HostStatus[] = ['skipped', 'ok', 'changed', 'ignored', 'failed', 'unreachable'];

/** The part of listr2's task wrapper we drive. */
interface TaskHandle {
  title: string;
  output: string;
  skip(message?: string): void;
}

interface TaskState {
  heading: string;
  total: number;
  hosts: Map<string, HostStatus>;
  /** Previews that arrived before listr2 started the task. */
  pending: string[];
  /** Full texts, written once the task's Listr run has ended. */
  lines: string[];
  handle?: TaskHandle;
  finish: () => void;
  finished: Promise<void>;
}

/** One-line stand-in for a diff while its task runs: `node1: /etc/app.conf (+3 -1)`. */
function diffPreview(host: string, path: string | undefined, diff: string): string {
  // Skip the ---/+++ header lines; count the hunk lines.
  const lines = diff.split('\n').slice(2).map((l) => l.replace(/\u001b\[[0-9;]*m/g, ''));
  const added = lines.filter((l) => l.startsWith('+')).length;
  const removed = lines.filter((l) => l.startsWith('-')).length;
  return `${host}: diff${path ? ` ${path}` : ''} (+${added} -${removed})`;
}

export class LiveReporter implements Reporter {
  private chain: Promise<void> = Promise.resolve();
  private current: TaskState | undefined;
  private readonly out: NodeJS.WritableStream;
  private readonly err: NodeJS.WritableStream;
  private readonly columns: number;
  /** Preview lines under a running task, kept well inside the terminal height. */
  private readonly previewLines: number;

  constructor(private readonly opts: LiveReporterOptions) {
    this.out = opts.out;
    this.err = opts.err ?? process.stderr;
    const width = (opts.out as { columns?: number }).columns;
    this.columns = typeof width === 'number' && width > 0 ? Math.max(79, width - 1) : 79;
    const rows = (opts.out as { rows?: number }).rows;
    this.previewLines = Math.max(1, Math.min(5, (typeof rows === 'number' && rows > 0 ? rows : 24) - 4));
  }

  event(e: RunEvent): void {
    switch (e.type) {
      case 'playbook_start':
        return;
      case 'play_start':
        this.endTask();
        this.write(this.out, `\n${banner(e.name.trim() ? `PLAY [${e.name.trim()}]` : 'PLAY', this.columns)}\n`);
        return;
      case 'task_start':
        this.startTask(`${e.handler ? 'RUNNING HANDLER' : 'TASK'} [${e.name.trim()}]`, e.hosts.length);
        return;
      case 'host_result':
        this.hostResult(e);
        return;
      case 'included':
        if (this.current) this.current.hosts.set(e.host, this.current.hosts.get(e.host) ?? 'ok');
        if (this.opts.verbosity > 0) this.persist(includedLine(e.file, [e.host], e.item));
        return;
      case 'warning':
        this.persist(formatWarning(e.message, this.opts.color), this.err);
        return;
      case 'play_end':
        this.endTask();
        return;
      case 'recap':
        this.endTask();
        this.write(this.out, formatRecap(e.hosts, this.opts.color, this.columns));
        return;
    }
  }

  async close(): Promise<void> {
    this.endTask();
    await this.chain;
  }

  private startTask(heading: string, total: number): void {
    this.endTask();
    let finish!: () => void;
    const finished = new Promise<void>((resolve) => (finish = resolve));
    const state: TaskState = { heading, total, hosts: new Map(), pending: [], lines: [], finish, finished };
    this.current = state;
    this.enqueue(() => this.runTask(state));
  }

  private endTask(): void {
    this.current?.finish();
    this.current = undefined;
  }

  private hostResult(e: HostResultEvent): void {
    const { verbosity, color } = this.opts;
    const state = this.current;
    const status: HostStatus = e.ignored && (e.status === 'failed' || e.status === 'unreachable') ? 'ignored' : e.status;
    if (state) {
      const prev = state.hosts.get(e.host);
      if (prev === undefined || RANK.indexOf(status) > RANK.indexOf(prev)) state.hosts.set(e.host, status);
      if (state.handle) state.handle.title = this.title(state);
    }
    if (this.opts.diff && e.diff) {
      const diff = formatDiff(e.diff, color).replace(/\n+$/, '');
      if (diff) this.persist(diff, this.out, diffPreview(e.host, e.diff.path, diff));
    }
    // Without -v only what needs attention stays: failures, unreachable hosts.
    if (verbosity > 0 || e.status === 'failed' || e.status === 'unreachable') {
      this.persist(formatHostResult(e, verbosity, color).join('\n'));
    }
  }

  /** Keep a message: previewed under the running task and written after it, or written now. */
  private persist(text: string, stream: NodeJS.WritableStream = this.out, preview = text.split('\n')[0] ?? ''): void {
    const state = this.current;
    if (!state) {
      this.write(stream, `${text}\n`);
      return;
    }
    state.lines.push(text);
    if (state.handle) state.handle.output = preview;
    else state.pending.push(preview);
  }

  private title(state: TaskState): string {
    if (state.total === 0 && state.hosts.size === 0) return state.heading;
    const counts = new Map<HostStatus, number>();
    for (const s of state.hosts.values()) counts.set(s, (counts.get(s) ?? 0) + 1);
    const parts = (['ok', 'changed', 'failed', 'unreachable', 'ignored', 'skipped'] as const)
      .filter((s) => counts.has(s))
      .map((s) => `${s}: ${counts.get(s)}`);
    const total = Math.max(state.total, state.hosts.size);
    return `${state.heading} ${state.hosts.size}/${total} hosts${parts.length ? ` (${parts.join(', ')})` : ''}`;
  }

  private async runTask(state: TaskState): Promise<void> {
    // Built here, not at task_start: ProcessOutput captures stream.write, which must not be
    // the previous run's hijacked one.
    const logger = new ListrLogger({
      useIcons: true,
      toStderr: [],
      processOutput: new ProcessOutput(this.out as NodeJS.WriteStream, this.err as NodeJS.WriteStream),
    });
    const listr = new Listr(
      [
        {
          title: this.title(state),
          task: async (_ctx: unknown, task: TaskHandle): Promise<void> => {
            state.handle = task;
            task.title = this.title(state);
            for (const line of state.pending.splice(0)) task.output = line;
            await state.finished;
            task.title = this.title(state);
            const statuses = [...state.hosts.values()];
            if (statuses.some((s) => s === 'failed' || s === 'unreachable')) throw new Error(this.title(state));
            if (statuses.length > 0 && statuses.every((s) => s === 'skipped')) task.skip(this.title(state));
          },
          rendererOptions: { outputBar: this.previewLines, persistentOutput: false, bottomBar: false },
        },
      ],
      {
        renderer: LiveRenderer,
        // Truncate, not wrap: one preview is one screen line, so the live area stays small.
        rendererOptions: { logger, collapseErrors: true, showErrorMessage: true, collapseSkips: true, formatOutput: 'truncate' },
        exitOnError: false,
        registerSignalListeners: false,
      },
    );
    // listr2 hides the cursor while it renders; if the process exits mid-run, show it again.
    const showCursor = (): void => void this.out.write('\u001b[?25h');
    process.once('exit', showCursor);
    try {
      await listr.run();
    } catch {
      // The spinner view broke; the lines below still get written.
    } finally {
      process.removeListener('exit', showCursor);
    }
    for (const line of state.lines) this.out.write(`${line}\n`);
  }

  private write(stream: NodeJS.WritableStream, text: string): void {
    this.enqueue(async () => {
      stream.write(text);
    });
  }

  private enqueue(step: () => Promise<void>): void {
    this.chain = this.chain.then(step).catch((err: unknown) => {
      this.err.write(`live reporter: ${String(err)}\n`);
    });
  }
}
