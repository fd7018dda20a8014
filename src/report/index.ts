/** Reporters: turn the engine's RunEvents into plain text, a live terminal view, or JSON lines. */

import type { Reporter } from '../model/events.js';
import { colorEnabled } from './ansi.js';
import { JsonReporter } from './json.js';
import { LiveReporter } from './live.js';
import { PlainReporter } from './plain.js';

export type ReporterMode = 'auto' | 'live' | 'plain' | 'json';

export interface ReporterOptions {
  mode: ReporterMode;
  /** Number of -v flags. */
  verbosity: number;
  /** --diff: show file changes as unified diffs. */
  diff: boolean;
  out: NodeJS.WritableStream;
  err?: NodeJS.WritableStream;
  /** Overrides `out.isTTY` (tests, or a caller that knows better). */
  isTTY?: boolean;
  /** Environment consulted for CI and NO_COLOR; defaults to process.env. */
  env?: NodeJS.ProcessEnv;
}

/** CI systems set CI=true (GitHub, GitLab, …); an explicit "false"/"0" means not CI. */
function isCI(env: NodeJS.ProcessEnv): boolean {
  const v = env.CI;
  return v !== undefined && v !== '' && v !== 'false' && v !== '0';
}

/** The concrete mode: 'auto' is live on an interactive terminal and plain elsewhere. */
export function resolveMode(opts: ReporterOptions): Exclude<ReporterMode, 'auto'> {
  const env = opts.env ?? process.env;
  const isTTY = opts.isTTY ?? (opts.out as { isTTY?: boolean }).isTTY === true;
  if (opts.mode === 'json' || opts.mode === 'plain') return opts.mode;
  // A live view needs a terminal to redraw; 'live' on a pipe degrades to plain.
  if (!isTTY) return 'plain';
  if (opts.mode === 'auto' && isCI(env)) return 'plain';
  // A terminal that reports no width (some CI ptys) cannot hold a redrawn view either.
  if (opts.isTTY === undefined && !((opts.out as { columns?: number }).columns! > 0)) return 'plain';
  return 'live';
}

export function createReporter(opts: ReporterOptions): Reporter {
  const env = opts.env ?? process.env;
  const isTTY = opts.isTTY ?? (opts.out as { isTTY?: boolean }).isTTY === true;
  const color = colorEnabled(isTTY, env);
  const common = { out: opts.out, verbosity: opts.verbosity, diff: opts.diff, color, ...(opts.err ? { err: opts.err } : {}) };
  switch (resolveMode(opts)) {
    case 'json':
      return new JsonReporter({ out: opts.out });
    case 'live':
      return new LiveReporter(common);
    case 'plain': {
      const width = (opts.out as { columns?: number }).columns;
      // Ansible's Display: 79 columns off a terminal, the terminal width minus one on it.
      const columns = isTTY && typeof width === 'number' && width > 0 ? Math.max(79, width - 1) : 79;
      return new PlainReporter({ ...common, columns });
    }
  }
}

export { JsonReporter } from './json.js';
export { LiveReporter } from './live.js';
export { PlainReporter } from './plain.js';
export { formatRecap, recapLine } from './recap.js';
export { unifiedDiff, diffOpcodes, splitLines, type UnifiedDiffOptions, type Opcode } from './unified-diff.js';
export { dumpResult, formatDiff, formatHostResult, pyJson } from './format-result.js';
