/**
 * ansible.builtin.blockinfile's placement rules, ported from its main(): find the marker pair,
 * drop the old block, and put the new one where the old one was or where insertafter /
 * insertbefore says. Pure: text in, text out.
 */
import { splitLinesKeepEnds } from './text.js';

export interface BlockOptions {
  block: string;
  marker: string;
  markerBegin: string;
  markerEnd: string;
  state: 'present' | 'absent';
  insertafter?: string;
  insertbefore?: string;
  /** insertafter/insertbefore compiled, unless it is the keyword EOF/BOF. With the m flag it is
   * matched against the whole file (Python's re.MULTILINE case), otherwise line by line. */
  insertRe?: RegExp;
  prependNewline?: boolean;
  appendNewline?: boolean;
}

export interface BlockResult {
  text: string;
  changed: boolean;
  msg: string;
}

/** `original` undefined: the file does not exist (it is being created). */
export function blockinfile(original: string | undefined, o: BlockOptions): BlockResult {
  const lines = original === undefined ? [] : splitLinesKeepEnds(original);
  const present = o.state === 'present';
  const insertafter = o.insertafter === undefined && o.insertbefore === undefined ? 'EOF' : o.insertafter;
  const insertbefore = o.insertbefore;
  const marker0 = o.marker.split('{mark}').join(o.markerBegin) + '\n';
  const marker1 = o.marker.split('{mark}').join(o.markerEnd) + '\n';
  let block = o.block;
  let blocklines: string[] = [];
  if (present && block) {
    if (!block.endsWith('\n')) block += '\n';
    blocklines = [marker0, ...splitLinesKeepEnds(block), marker1];
  }

  let n0: number | undefined;
  let n1: number | undefined;
  lines.forEach((l, i) => {
    if (l === marker0) n0 = i;
    if (l === marker1) n1 = i;
  });

  if (n0 === undefined || n1 === undefined) {
    n0 = undefined;
    if (o.insertRe) {
      const re = o.insertRe;
      if (re.multiline) {
        const m = original === undefined ? null : re.exec(original);
        if (m) {
          const upTo = insertafter !== undefined ? m.index + m[0].length : m.index;
          n0 = (original!.slice(0, upTo).match(/\n/g) ?? []).length;
        }
      } else {
        lines.forEach((l, i) => {
          if (re.test(l.endsWith('\n') ? l.slice(0, -1) : l)) n0 = i;
        });
      }
      if (n0 === undefined) n0 = lines.length;
      else if (insertafter !== undefined) n0 += 1;
    } else if (insertbefore !== undefined) {
      n0 = 0; // BOF
    } else {
      n0 = lines.length; // EOF
    }
  } else if (n0 < n1) {
    lines.splice(n0, n1 - n0 + 1);
  } else {
    lines.splice(n1, n0 - n1 + 1);
    n0 = n1;
  }
  n0 = Math.min(n0, lines.length);

  // The line before the block must end with a newline.
  if (n0 > 0 && !lines[n0 - 1]!.endsWith('\n')) lines[n0 - 1] += '\n';
  if (o.prependNewline && present && n0 !== 0 && lines[n0 - 1] !== '\n') {
    lines.splice(n0, 0, '\n');
    n0 += 1;
  }
  lines.splice(n0, 0, ...blocklines);
  if (o.appendNewline && present) {
    const after = n0 + blocklines.length;
    if (after < lines.length && lines[after] !== '\n') lines.splice(after, 0, '\n');
  }

  const text = lines.join('');
  if (original === text) return { text, changed: false, msg: '' };
  if (original === undefined) return { text, changed: true, msg: 'File created' };
  return { text, changed: true, msg: blocklines.length ? 'Block inserted' : 'Block removed' };
}
