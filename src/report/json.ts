/** Machine output: one JSON object per line on stdout, nothing else. */

import type { Reporter, RunEvent } from '../model/events.js';

export interface JsonReporterOptions {
  out: NodeJS.WritableStream;
}

/** Module results may carry bigints; JSON.stringify would throw on them. */
function jsonSafe(_key: string, value: unknown): unknown {
  return typeof value === 'bigint' ? value.toString() : value;
}

export class JsonReporter implements Reporter {
  constructor(private readonly opts: JsonReporterOptions) {}

  event(e: RunEvent): void {
    // The recap becomes the final `summary` line (same data, one name consumers key on).
    const line =
      e.type === 'recap'
        ? { type: 'summary', hosts: e.hosts, exitCode: e.exitCode, durationMs: e.durationMs }
        : e;
    this.opts.out.write(`${JSON.stringify(line, jsonSafe)}\n`);
  }

  close(): Promise<void> {
    return Promise.resolve();
  }
}
