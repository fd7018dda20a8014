/** What validate finds: every problem at once, with its position, sorted and deduplicated. */
import { shownPath, type SourcePos } from '../model/source.js';

export type Severity = 'error' | 'warning';

export interface Problem {
  file: string;
  line: number;
  col: number;
  message: string;
  severity: Severity;
}

export class Problems {
  private readonly seen = new Map<string, Problem>();

  error(pos: SourcePos | undefined, message: string, file?: string): void {
    this.add('error', pos, message, file);
  }

  warning(pos: SourcePos | undefined, message: string, file?: string): void {
    this.add('warning', pos, message, file);
  }

  add(severity: Severity, pos: SourcePos | undefined, message: string, file?: string): void {
    const p: Problem = { file: shownPath(pos?.file ?? file ?? '<unknown>'), line: pos?.line ?? 1, col: pos?.col ?? 1, message, severity };
    const key = `${p.file}\0${p.line}\0${p.col}\0${p.message}`;
    const had = this.seen.get(key);
    // The same finding reached twice (a role used by two playbooks) is shown once, as an error if either was.
    if (!had || (had.severity === 'warning' && severity === 'error')) this.seen.set(key, p);
  }

  /** Sorted by file, line, column; errors before warnings at the same place. */
  list(): Problem[] {
    return [...this.seen.values()].sort(
      (a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : 0) || a.line - b.line || a.col - b.col || (a.severity === b.severity ? 0 : a.severity === 'error' ? -1 : 1),
    );
  }

  get errorCount(): number {
    return [...this.seen.values()].filter((p) => p.severity === 'error').length;
  }
}

/** `a -> b -> a`: the files or roles of a cycle, from where it starts. */
export function cycle(stack: string[], again: string): string {
  return [...stack.slice(stack.indexOf(again)), again].map(shownPath).join(' -> ');
}

export function formatProblem(p: Problem): string {
  return `${p.file}:${p.line}:${p.col}: ${p.severity === 'warning' ? 'warning: ' : ''}${p.message}`;
}
