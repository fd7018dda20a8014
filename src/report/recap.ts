/**
 * PLAY RECAP exactly as Ansible's default callback prints it (v2_playbook_on_stats with
 * ansible/utils/color.py hostcolor/colorize): host `%-26s`, then ` : `, then each counter
 * as `name=%-4s` joined by single spaces — which leaves trailing spaces after `ignored`.
 */

import type { HostCounters } from '../model/events.js';
import { COLOR, type ColorName, banner, stringc } from './ansi.js';

/** colorize(): the padding is inside the color, and zero counts stay uncolored. */
function colorize(lead: string, num: number, color: ColorName, enabled: boolean): string {
  const s = `${lead}=${String(num).padEnd(4)}`;
  return num !== 0 ? stringc(s, color, enabled) : s;
}

/** hostcolor(): red on failures/unreachable, yellow on changes, else green; padded to 26 visible columns. */
function hostcolor(host: string, t: HostCounters, enabled: boolean): string {
  const padding = ' '.repeat(Math.max(0, 26 - host.length));
  if (!enabled) return host + padding;
  const color = t.failed !== 0 || t.unreachable !== 0 ? COLOR.error : t.changed !== 0 ? COLOR.changed : COLOR.ok;
  return stringc(host, color, true) + padding;
}

/** One recap line, without newline. */
export function recapLine(host: string, t: HostCounters, color = false): string {
  return [
    `${hostcolor(host, t, color)} :`,
    colorize('ok', t.ok, COLOR.ok, color),
    colorize('changed', t.changed, COLOR.changed, color),
    colorize('unreachable', t.unreachable, COLOR.unreachable, color),
    colorize('failed', t.failed, COLOR.error, color),
    colorize('skipped', t.skipped, COLOR.skip, color),
    colorize('rescued', t.rescued, COLOR.ok, color),
    colorize('ignored', t.ignored, COLOR.warn, color),
  ].join(' ');
}

/** Blank line, banner, one line per host sorted by name, blank line. */
export function formatRecap(hosts: Record<string, HostCounters>, color = false, columns = 79): string {
  const names = Object.keys(hosts).sort();
  const lines = names.map((h) => recapLine(h, hosts[h]!, color));
  return `\n${banner('PLAY RECAP', columns)}\n${lines.map((l) => `${l}\n`).join('')}\n`;
}
