/**
 * Line-based unified diff, shaped like Python's difflib.unified_diff as Ansible's
 * `_get_diff` uses it (same hunk grouping and range format), computed with Myers.
 */

export type OpTag = 'equal' | 'replace' | 'delete' | 'insert';

/** a[i1..i2) becomes b[j1..j2), as difflib's opcodes. */
export interface Opcode {
  tag: OpTag;
  i1: number;
  i2: number;
  j1: number;
  j2: number;
}

export interface UnifiedDiffOptions {
  /** Header of the `---` line (Ansible: `before: PATH` or `before`). */
  fromFile?: string;
  /** Header of the `+++` line (Ansible: `after: PATH` or `after`). */
  toFile?: string;
  /** Context lines around each change (Ansible's DIFF_CONTEXT default: 3). */
  context?: number;
  /** Beyond this many lines on either side, say "diff too large" instead of diffing. */
  maxLines?: number;
}

export const DEFAULT_MAX_LINES = 5000;

/**
 * Past this edit distance the Myers trace (O(D²) memory) is not worth it:
 * the changed middle is shown as one replace block instead, still a valid diff.
 */
const MAX_EDIT_DISTANCE = 2000;

/** Python's str.splitlines(keepends=True), so line boundaries match Ansible's. */
export function splitLines(text: string): string[] {
  const lines: string[] = [];
  const re = /\r\n|[\n\r\v\f\x1c\x1d\x1e\x85\u2028\u2029]/g;
  let start = 0;
  for (let m = re.exec(text); m !== null; m = re.exec(text)) {
    lines.push(text.slice(start, m.index + m[0].length));
    start = m.index + m[0].length;
  }
  if (start < text.length) lines.push(text.slice(start));
  return lines;
}

/** Edit script of the middle part (common prefix/suffix removed) as per-line steps. */
function myers(a: Int32Array, b: Int32Array): Array<'=' | '-' | '+'> | null {
  const n = a.length;
  const m = b.length;
  const max = n + m;
  const offset = max + 1;
  const v = new Int32Array(2 * max + 3);
  // trace[d][k + d] = furthest x on diagonal k after round d, kept for backtracking.
  const trace: Int32Array[] = [];
  let found = -1;
  for (let d = 0; d <= max && d <= MAX_EDIT_DISTANCE; d++) {
    for (let k = -d; k <= d; k += 2) {
      let x =
        k === -d || (k !== d && v[offset + k - 1]! < v[offset + k + 1]!)
          ? v[offset + k + 1]!
          : v[offset + k - 1]! + 1;
      let y = x - k;
      while (x < n && y < m && a[x] === b[y]) {
        x++;
        y++;
      }
      v[offset + k] = x;
    }
    trace.push(v.slice(offset - d, offset + d + 1));
    if (v[offset + n - m] === n && Math.abs(n - m) <= d && (n - m + d) % 2 === 0) {
      found = d;
      break;
    }
  }
  if (found < 0) return null;

  const steps: Array<'=' | '-' | '+'> = [];
  let x = n;
  let y = m;
  for (let d = found; d > 0; d--) {
    const prev = trace[d - 1]!;
    const k = x - y;
    const down = k === -d || (k !== d && prev[k - 1 + d - 1]! < prev[k + 1 + d - 1]!);
    const prevK = down ? k + 1 : k - 1;
    const prevX = prev[prevK + d - 1]!;
    const prevY = prevX - prevK;
    const midX = down ? prevX : prevX + 1;
    while (x > midX) {
      steps.push('=');
      x--;
      y--;
    }
    steps.push(down ? '+' : '-');
    x = prevX;
    y = prevY;
  }
  while (x > 0) {
    steps.push('=');
    x--;
  }
  return steps.reverse();
}

/** difflib-style opcodes for two line arrays (minimal edit script, Myers). */
export function diffOpcodes(a: readonly string[], b: readonly string[]): Opcode[] {
  // Lines become small integers so the inner loop compares numbers, not strings.
  const ids = new Map<string, number>();
  const idOf = (line: string): number => {
    let id = ids.get(line);
    if (id === undefined) {
      id = ids.size;
      ids.set(line, id);
    }
    return id;
  };
  const ai = Int32Array.from(a, idOf);
  const bi = Int32Array.from(b, idOf);

  let pre = 0;
  while (pre < ai.length && pre < bi.length && ai[pre] === bi[pre]) pre++;
  let suf = 0;
  while (suf < ai.length - pre && suf < bi.length - pre && ai[ai.length - 1 - suf] === bi[bi.length - 1 - suf]) suf++;
  const midA = ai.subarray(pre, ai.length - suf);
  const midB = bi.subarray(pre, bi.length - suf);
  const steps =
    myers(midA, midB) ??
    [...Array<'-'>(midA.length).fill('-'), ...Array<'+'>(midB.length).fill('+')];

  const codes: Opcode[] = [];
  const push = (tag: OpTag, i1: number, i2: number, j1: number, j2: number): void => {
    if (i1 !== i2 || j1 !== j2) codes.push({ tag, i1, i2, j1, j2 });
  };
  push('equal', 0, pre, 0, pre);
  let i = pre;
  let j = pre;
  let s = 0;
  while (s < steps.length) {
    if (steps[s] === '=') {
      const i0 = i;
      const j0 = j;
      while (s < steps.length && steps[s] === '=') {
        s++;
        i++;
        j++;
      }
      push('equal', i0, i, j0, j);
      continue;
    }
    // A run of deletions and insertions with no equal line between is one replace (difflib shows - then +).
    const i0 = i;
    const j0 = j;
    while (s < steps.length && steps[s] !== '=') {
      if (steps[s] === '-') i++;
      else j++;
      s++;
    }
    push(i0 === i ? 'insert' : j0 === j ? 'delete' : 'replace', i0, i, j0, j);
  }
  push('equal', i, a.length, j, b.length);
  return codes;
}

/** difflib.SequenceMatcher.get_grouped_opcodes: hunks with `n` lines of context. */
export function groupOpcodes(codes: Opcode[], n = 3): Opcode[][] {
  const cs = codes.length > 0 ? codes.map((c) => ({ ...c })) : [{ tag: 'equal' as const, i1: 0, i2: 1, j1: 0, j2: 1 }];
  const first = cs[0]!;
  if (first.tag === 'equal') {
    first.i1 = Math.max(first.i1, first.i2 - n);
    first.j1 = Math.max(first.j1, first.j2 - n);
  }
  const last = cs[cs.length - 1]!;
  if (last.tag === 'equal') {
    last.i2 = Math.min(last.i2, last.i1 + n);
    last.j2 = Math.min(last.j2, last.j1 + n);
  }
  const groups: Opcode[][] = [];
  let group: Opcode[] = [];
  for (const c of cs) {
    let { i1, j1 } = c;
    if (c.tag === 'equal' && c.i2 - c.i1 > 2 * n) {
      group.push({ tag: 'equal', i1, i2: Math.min(c.i2, i1 + n), j1, j2: Math.min(c.j2, j1 + n) });
      groups.push(group);
      group = [];
      i1 = Math.max(i1, c.i2 - n);
      j1 = Math.max(j1, c.j2 - n);
    }
    group.push({ tag: c.tag, i1, i2: c.i2, j1, j2: c.j2 });
  }
  if (group.length > 0 && !(group.length === 1 && group[0]!.tag === 'equal')) groups.push(group);
  return groups;
}

/** difflib's `_format_range_unified`: "start,len", just "start" when len is 1. */
function formatRange(start: number, stop: number): string {
  let beginning = start + 1;
  const length = stop - start;
  if (length === 1) return `${beginning}`;
  if (length === 0) beginning -= 1;
  return `${beginning},${length}`;
}

/** Ansible appends this marker to a last line without newline, so the change is visible. */
function markMissingNewline(lines: string[]): string[] {
  const last = lines[lines.length - 1];
  if (last !== undefined && !last.endsWith('\n')) lines[lines.length - 1] = `${last}\n\\ No newline at end of file\n`;
  return lines;
}

/**
 * Unified diff text, every line ending in "\n"; empty string when there is no difference.
 */
export function unifiedDiff(before: string, after: string, opts: UnifiedDiffOptions = {}): string {
  if (before === after) return '';
  const fromFile = opts.fromFile ?? 'before';
  const toFile = opts.toFile ?? 'after';
  const header = `--- ${fromFile}\n+++ ${toFile}\n`;
  const a = markMissingNewline(splitLines(before));
  const b = markMissingNewline(splitLines(after));
  const maxLines = opts.maxLines ?? DEFAULT_MAX_LINES;
  if (a.length > maxLines || b.length > maxLines) {
    return `${header}diff too large: ${a.length} lines before, ${b.length} lines after (limit ${maxLines})\n`;
  }
  const groups = groupOpcodes(diffOpcodes(a, b), opts.context ?? 3);
  if (groups.length === 0) return '';
  const out: string[] = [header];
  const line = (prefix: string, text: string): string => prefix + (text.endsWith('\n') || text.endsWith('\r') ? text : `${text}\n`);
  for (const group of groups) {
    const first = group[0]!;
    const last = group[group.length - 1]!;
    out.push(`@@ -${formatRange(first.i1, last.i2)} +${formatRange(first.j1, last.j2)} @@\n`);
    for (const c of group) {
      if (c.tag === 'equal') {
        for (const t of a.slice(c.i1, c.i2)) out.push(line(' ', t));
        continue;
      }
      if (c.tag === 'replace' || c.tag === 'delete') for (const t of a.slice(c.i1, c.i2)) out.push(line('-', t));
      if (c.tag === 'replace' || c.tag === 'insert') for (const t of b.slice(c.j1, c.j2)) out.push(line('+', t));
    }
  }
  return out.join('');
}
