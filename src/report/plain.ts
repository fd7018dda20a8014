/** Line-oriented, deterministic output for CI and pipes: Ansible's default callback look. */

import type { Reporter, RunEvent } from '../model/events.js';
import { COLOR, banner, stringc } from './ansi.js';
import { formatDiff, formatHostResult, formatWarning } from './format-result.js';
import { formatRecap } from './recap.js';
import { IncludedLines } from './included.js';

export interface PlainReporterOptions {
  out: NodeJS.WritableStream;
  err?: NodeJS.WritableStream;
  verbosity: number;
  diff: boolean;
  color: boolean;
  /** Banner width; Ansible uses 79 off a terminal, max(79, width - 1) on one. */
  columns?: number;
}

export class PlainReporter implements Reporter {
  private readonly out: NodeJS.WritableStream;
  private readonly err: NodeJS.WritableStream;
  private readonly columns: number;
  private readonly included = new IncludedLines();

  constructor(private readonly opts: PlainReporterOptions) {
    this.out = opts.out;
    this.err = opts.err ?? process.stderr;
    this.columns = opts.columns ?? 79;
  }

  event(e: RunEvent): void {
    const { verbosity, color } = this.opts;
    if (e.type === 'included') {
      this.included.add(e);
      return;
    }
    // Ansible prints one `included:` line per file and item, for all its hosts, after the task's other lines.
    if (e.type !== 'host_result' && e.type !== 'warning') this.flushIncluded();
    switch (e.type) {
      case 'playbook_start':
        if (verbosity > 1) this.banner(`PLAYBOOK: ${e.file.split('/').pop() ?? e.file}`);
        return;
      case 'play_start':
        this.banner(e.name.trim() ? `PLAY [${e.name.trim()}]` : 'PLAY');
        return;
      case 'task_start':
        this.banner(`${e.handler ? 'RUNNING HANDLER' : 'TASK'} [${e.name.trim()}]`);
        if (verbosity >= 2 && e.path) this.line(stringc(`task path: ${e.path}`, COLOR.debug, color));
        return;
      case 'host_result':
        // Ansible shows the diff before the host line it belongs to.
        if (this.opts.diff && e.diff) this.out.write(formatDiff(e.diff, color));
        for (const l of formatHostResult(e, verbosity, color)) this.line(l);
        return;
      case 'warning':
        this.err.write(`${formatWarning(e.message, color)}\n`);
        return;
      case 'play_end':
        return;
      case 'recap':
        this.out.write(formatRecap(e.hosts, color, this.columns));
        return;
    }
  }

  close(): Promise<void> {
    this.flushIncluded();
    return Promise.resolve();
  }

  private flushIncluded(): void {
    for (const line of this.included.flush()) this.line(stringc(line, COLOR.ok, this.opts.color));
  }

  private banner(msg: string): void {
    this.out.write(`\n${banner(msg, this.columns)}\n`);
  }

  private line(text: string): void {
    this.out.write(`${text}\n`);
  }
}
