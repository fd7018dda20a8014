/** Per-host lines and result JSON in the words of Ansible's default stdout callback. */

import type { RunEvent } from '../model/events.js';
import { COLOR, stringc } from './ansi.js';
import { unifiedDiff } from './unified-diff.js';

export type HostResultEvent = Extract<RunEvent, { type: 'host_result' }>;
export type DiffInfo = NonNullable<HostResultEvent['diff']>;

/**
 * Python's `json.dumps(v, sort_keys=True, ensure_ascii=False, indent=indent)`, because
 * Ansible prints results that way (`{"changed": false, "msg": "x"}` with spaces).
 */
export function pyJson(value: unknown, indent?: number, level = 0): string {
  if (value === null || value === undefined) return 'null';
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (typeof value === 'number') {
    if (Number.isNaN(value)) return 'NaN';
    if (!Number.isFinite(value)) return value > 0 ? 'Infinity' : '-Infinity';
    return String(value);
  }
  if (typeof value === 'bigint') return value.toString();
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'function' || typeof value === 'symbol') return 'null';
  const withJson = value as { toJSON?: () => unknown };
  if (typeof withJson.toJSON === 'function') return pyJson(withJson.toJSON(), indent, level);

  const entries: Array<[string | null, unknown]> = Array.isArray(value)
    ? value.map((v) => [null, v])
    : Object.keys(value)
        .filter((k) => (value as Record<string, unknown>)[k] !== undefined)
        .sort()
        .map((k) => [k, (value as Record<string, unknown>)[k]]);
  const [open, close] = Array.isArray(value) ? ['[', ']'] : ['{', '}'];
  if (entries.length === 0) return open + close;
  const item = ([k, v]: [string | null, unknown]): string =>
    (k === null ? '' : `${JSON.stringify(k)}: `) + pyJson(v, indent, level + 1);
  if (indent === undefined) return open + entries.map(item).join(', ') + close;
  const pad = ' '.repeat(indent * (level + 1));
  return `${open}\n${entries.map((e) => pad + item(e)).join(',\n')}\n${' '.repeat(indent * level)}${close}`;
}

/** Ansible's strip_internal_keys: `_ansible_*` keys are plumbing, never shown. */
function stripInternal(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(stripInternal);
  if (value === null || typeof value !== 'object') return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) if (!k.startsWith('_ansible_')) out[k] = stripInternal(v);
  return out;
}

/** CallbackBase._dump_results: what follows `=> ` on a host line. */
const DEBUG_ALLOWED = new Set(['msg', 'exception', 'warnings', 'deprecations']);
const DEBUG_HIDDEN = ['changed', 'failed', 'item', 'ansible_loop_var', 'skipped', 'skip_reason'];

export function dumpResult(result: Record<string, unknown>, verbosity: number, module?: string): string {
  const always = result['_ansible_verbose_always'] === true;
  const shown = stripInternal(result) as Record<string, unknown>;
  // TaskResult.clean_copy: the host line already says failed or skipped.
  delete shown.failed;
  delete shown.skipped;
  // debug: Ansible's _clean_results shows only what debug was asked to show.
  if (module === 'debug') {
    for (const k of Object.keys(shown)) {
      if ('msg' in shown ? !DEBUG_ALLOWED.has(k) : DEBUG_HIDDEN.includes(k)) delete shown[k];
    }
  }
  if (verbosity < 3) {
    delete shown.invocation;
    delete shown.diff; // printed separately with --diff
  }
  delete shown.exception;
  return pyJson(shown, verbosity > 2 || always ? 4 : undefined);
}

/** `node1` or `node1 -> localhost` when delegated. */
export function hostLabel(e: HostResultEvent): string {
  return e.delegatedTo && e.delegatedTo !== e.host ? `${e.host} -> ${e.delegatedTo}` : e.host;
}

/** The result as shown: the engine's msg is folded in when the module gave none. */
function shownResult(e: HostResultEvent): Record<string, unknown> {
  return e.msg !== undefined && e.result.msg === undefined ? { ...e.result, msg: e.msg } : e.result;
}

/** Lines for one host result (no trailing newline), colored when `color`. */
export function formatHostResult(e: HostResultEvent, verbosity: number, color: boolean): string[] {
  const label = hostLabel(e);
  // Only verbose lines show the JSON. A loop's own line leaves its items out: each had a line.
  const json = (): string => {
    const shown = shownResult(e);
    if (!e.loopSummary) return dumpResult(shown, verbosity, e.module);
    const { results: _items, ...loop } = shown;
    return dumpResult(loop, verbosity, e.module);
  };
  const verbose = verbosity > 0 || e.result['_ansible_verbose_always'] === true;
  const item = e.item;
  if (e.loopSummary && e.status === 'failed') return e.ignored ? [stringc('...ignoring', COLOR.skip, color)] : [];
  switch (e.status) {
    case 'failed': {
      const line =
        item !== undefined
          ? `failed: [${label}] (item=${item}) => ${json()}`
          : `fatal: [${label}]: FAILED! => ${json()}`;
      const lines = [stringc(line, COLOR.error, color)];
      if (e.ignored) lines.push(stringc('...ignoring', COLOR.skip, color));
      return lines;
    }
    case 'unreachable': {
      const lines = [stringc(`fatal: [${label}]: UNREACHABLE! => ${json()}`, COLOR.unreachable, color)];
      if (e.ignored) lines.push(stringc('...ignoring', COLOR.skip, color));
      return lines;
    }
    case 'skipped': {
      // Ansible names the inventory host (no delegation) and leaves a space after the item.
      let line = item !== undefined ? `skipping: [${e.host}] => (item=${item}) ` : `skipping: [${e.host}]`;
      if (verbose) line += ` => ${json()}`;
      return [stringc(line, COLOR.skip, color)];
    }
    case 'ok':
    case 'changed': {
      let line = `${e.status}: [${label}]`;
      if (item !== undefined) line += ` => (item=${item})`;
      if (verbose) line += ` => ${json()}`;
      return [stringc(line, e.status === 'changed' ? COLOR.changed : COLOR.ok, color)];
    }
  }
}

/**
 * Ansible's `_get_diff` for one file: `--- before: PATH` / `+++ after: PATH`, hunks, then a
 * blank line. Empty when nothing differs.
 */
export function formatDiff(diff: DiffInfo, color: boolean, maxLines?: number): string {
  const text = unifiedDiff(diff.before, diff.after, {
    fromFile: diff.path !== undefined ? `before: ${diff.path}` : 'before',
    toFile: diff.path !== undefined ? `after: ${diff.path}` : 'after',
    ...(maxLines !== undefined ? { maxLines } : {}),
  });
  if (text === '') return '';
  if (!color) return `${text}\n`;
  const colored = text
    .slice(0, -1)
    .split('\n')
    .map((l) =>
      l.startsWith('+')
        ? stringc(l, COLOR.diffAdd, true)
        : l.startsWith('-')
          ? stringc(l, COLOR.diffRemove, true)
          : l.startsWith('@@')
            ? stringc(l, COLOR.diffLines, true)
            : l,
    );
  return `${colored.join('\n')}\n\n`;
}

/** `[WARNING]: msg`, Ansible's wording (colored bright purple on a terminal). */
export function formatWarning(message: string, color: boolean): string {
  return stringc(`[WARNING]: ${message}`, COLOR.warn, color);
}
