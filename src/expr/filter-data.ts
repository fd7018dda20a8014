/** Filters over numbers, lists and dicts, and data formats (Jinja/Ansible names and semantics). */
import YAML from 'yaml';
import { OpError } from './errors.js';
import { compare, dictKeys, equals, getMember, isDict, MISSING, toList, toPlain, toText, truthy, typeName, type Dict } from './values.js';

export function length(v: unknown): number {
  if (typeof v === 'string' || Array.isArray(v)) return v.length;
  if (isDict(v)) return dictKeys(v).length;
  throw new OpError(`object of type '${typeName(v)}' has no length`);
}

/** Jinja int: numbers truncate, numeric text parses ("4.7" → 4), anything else is `fallback`. */
export function toInt(v: unknown, fallback: unknown = 0, base: unknown = 10): unknown {
  if (typeof v === 'boolean') return v ? 1 : 0;
  if (typeof v === 'number') return Number.isFinite(v) ? Math.trunc(v) : fallback;
  if (typeof v === 'string') {
    const s = v.trim().replace(/_/g, '');
    if (base === 10) {
      if (/^[+-]?\d+$/.test(s)) return Number(s);
      if (/^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i.test(s)) return Math.trunc(Number(s));
      return fallback;
    }
    const b = Number(base);
    const digits = s.replace(/^([+-]?)0[xob]/i, '$1');
    const n = parseInt(digits, b);
    return Number.isNaN(n) || n.toString(b) !== digits.replace(/^\+/, '').toLowerCase() ? fallback : n;
  }
  return fallback;
}

export function toFloat(v: unknown, fallback: unknown = 0): unknown {
  if (typeof v === 'boolean') return v ? 1 : 0;
  if (typeof v === 'number') return v;
  if (typeof v === 'string' && /^\s*[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?\s*$/i.test(v)) return Number(v);
  return fallback;
}

/** Ansible bool: true, "yes", "on", "1", "true", "y", 1 are true; everything else false. */
export function toBool(v: unknown): boolean {
  if (typeof v === 'boolean') return v;
  if (typeof v === 'number') return v === 1;
  if (typeof v === 'string') return ['yes', 'on', '1', 'true', 'y', 't'].includes(v.trim().toLowerCase());
  return false;
}

function sequence(v: unknown, what: string): unknown[] | string {
  if (typeof v === 'string' || Array.isArray(v)) return v;
  throw new OpError(`${what} expects a list or a string, got '${typeName(v)}'`);
}

export function first(v: unknown): unknown {
  const s = sequence(v, 'first');
  if (s.length === 0) throw new OpError('first: the sequence is empty');
  return s[0];
}

export function last(v: unknown): unknown {
  const s = sequence(v, 'last');
  if (s.length === 0) throw new OpError('last: the sequence is empty');
  return s[s.length - 1];
}

export const list = (v: unknown) => [...toList(v)];

export function reverse(v: unknown): unknown {
  const s = sequence(v, 'reverse');
  return typeof s === 'string' ? [...s].reverse().join('') : [...s].reverse();
}

export function unique(v: unknown): unknown[] {
  const out: unknown[] = [];
  for (const x of toList(v, 'unique')) if (!out.some((y) => equals(x, y))) out.push(x);
  return out;
}

/** Ansible flatten: nested lists spliced in (up to `levels`), nulls dropped. */
export function flatten(v: unknown, levels?: unknown): unknown[] {
  const depth = levels === undefined || levels === null ? Infinity : Number(levels);
  const walk = (xs: unknown[], d: number): unknown[] =>
    xs.flatMap((x) => (x === null ? [] : Array.isArray(x) && d > 0 ? walk(x, d - 1) : [x]));
  return walk(toList(v, 'flatten'), depth);
}

/** `attribute="a.b"` on one item; MISSING when absent. */
export function attrPath(item: unknown, path: string): unknown {
  let cur = item;
  for (const part of path.split('.')) {
    cur = getMember(cur, part);
    if (cur === MISSING) return MISSING;
  }
  return cur;
}

export function pluck(items: unknown[], attribute: string, fallback: unknown = MISSING): unknown[] {
  return items.map((x, i) => {
    const v = attrPath(x, attribute);
    if (v !== MISSING) return v;
    if (fallback !== MISSING) return fallback;
    throw new OpError(`item ${i} (${typeName(x)}) has no attribute '${attribute}'`);
  });
}

/** Jinja sort: case-insensitive for strings unless asked; by `attribute` when given. */
export function sort(v: unknown, reverseOrder: unknown = false, caseSensitive: unknown = false, attribute?: unknown): unknown[] {
  const items = [...toList(v, 'sort')];
  const keys = attribute === undefined || attribute === null ? items : pluck(items, toText(attribute));
  const norm = (k: unknown) => (typeof k === 'string' && !truthy(caseSensitive) ? k.toLowerCase() : k);
  const order = items.map((_, i) => i).sort((a, b) => compare(norm(keys[a]), norm(keys[b]), 'sort'));
  if (truthy(reverseOrder)) order.reverse();
  return order.map((i) => items[i]);
}

function extreme(v: unknown, attribute: unknown, sign: 1 | -1, what: string): unknown {
  const items = toList(v, what);
  if (items.length === 0) throw new OpError(`${what}: the sequence is empty`);
  const keys = attribute === undefined || attribute === null ? items : pluck(items, toText(attribute));
  let best = 0;
  for (let i = 1; i < items.length; i++) if (sign * compare(keys[i], keys[best], what) > 0) best = i;
  return items[best];
}
export const min = (v: unknown, attribute?: unknown) => extreme(v, attribute, -1, 'min');
export const max = (v: unknown, attribute?: unknown) => extreme(v, attribute, 1, 'max');

export function sum(v: unknown, attribute?: unknown, start: unknown = 0): number {
  const items = toList(v, 'sum');
  const values = attribute === undefined || attribute === null ? items : pluck(items, toText(attribute));
  return values.reduce<number>((acc, x) => {
    if (typeof x !== 'number') throw new OpError(`sum: cannot add '${typeName(x)}'`);
    return acc + x;
  }, asNumber(start, 'sum'));
}

export function asNumber(v: unknown, what: string): number {
  if (typeof v !== 'number') throw new OpError(`${what} expects a number, got '${typeName(v)}'`);
  return v;
}

export const abs = (v: unknown) => Math.abs(asNumber(v, 'abs'));

/** Jinja round: 'common' (half away from zero), 'ceil' or 'floor', to `precision` digits. */
export function round(v: unknown, precision: unknown = 0, method: unknown = 'common'): number {
  const n = asNumber(v, 'round');
  const f = 10 ** asNumber(precision, 'round precision');
  const fn = method === 'ceil' ? Math.ceil : method === 'floor' ? Math.floor : method === 'common' ? (x: number) => Math.sign(x) * Math.round(Math.abs(x)) : undefined;
  if (!fn) throw new OpError(`round: method must be 'common', 'ceil' or 'floor'`);
  return fn(n * f) / f;
}

export function join(v: unknown, sep: unknown = '', attribute?: unknown): string {
  const items = toList(v, 'join');
  const values = attribute === undefined || attribute === null ? items : pluck(items, toText(attribute));
  return values.map(toText).join(toText(sep));
}

/** Python's json.dumps defaults, as Ansible's to_json: `, ` and `: ` between items, non-ASCII as \\uXXXX. */
export const toJson = (v: unknown, indent?: unknown) => pyDumps(toPlain(v), typeof indent === 'number' ? indent : undefined);

/** Ansible to_nice_json: indented by 4 and keys sorted, so generated files are stable. */
export function toNiceJson(v: unknown, indent: unknown = 4): string {
  return pyDumps(sortKeys(toPlain(v)), asNumber(indent, 'to_nice_json indent'));
}

function pyDumps(v: unknown, indent: number | undefined): string {
  // With an indent, JSON.stringify already writes what json.dumps does (`,` then a new line, `: `).
  const text = indent === undefined ? compactDumps(v) : (JSON.stringify(v, null, indent) ?? 'null');
  return text.replace(/[\u0080-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

function compactDumps(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map((x) => (x === undefined ? 'null' : compactDumps(x))).join(', ')}]`;
  if (isDict(v)) {
    const items = Object.entries(v).filter(([, x]) => x !== undefined);
    return `{${items.map(([k, x]) => `${JSON.stringify(k)}: ${compactDumps(x)}`).join(', ')}}`;
  }
  return JSON.stringify(v) ?? 'null';
}

function sortKeys(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(sortKeys);
  if (isDict(v)) return Object.fromEntries(Object.keys(v).sort().map((k) => [k, sortKeys(v[k])]));
  return v;
}

/** Block-style YAML without the trailing newline, so it embeds in a line or a file. */
export function toYaml(v: unknown, indent: unknown = 2): string {
  return YAML.stringify(toPlain(v), { indent: asNumber(indent, 'to_yaml indent') }).replace(/\n$/, '');
}

export function fromJson(v: unknown): unknown {
  try {
    return JSON.parse(toText(v));
  } catch (e) {
    throw new OpError(`from_json: ${(e as Error).message}`);
  }
}

export function fromYaml(v: unknown): unknown {
  try {
    return YAML.parse(toText(v));
  } catch (e) {
    throw new OpError(`from_yaml: ${(e as Error).message.split('\n')[0]}`);
  }
}

export function asDict(v: unknown, what: string): Dict {
  if (!isDict(v)) throw new OpError(`${what} expects a dict, got '${typeName(v)}'`);
  return v;
}

/** Ansible combine: later dicts win; `recursive` merges nested dicts instead of replacing them. */
export function combine(v: unknown, others: unknown[], recursive: unknown = false): Dict {
  const merge = (a: Dict, b: Dict): Dict => {
    const out: Dict = toPlain(a) as Dict;
    for (const k of dictKeys(b)) {
      const bv = getMember(b, k);
      const av = out[k];
      out[k] = truthy(recursive) && isDict(av) && isDict(bv) ? merge(av, bv) : toPlain(bv);
    }
    return out;
  };
  return others.flatMap((o) => (Array.isArray(o) ? o : [o])).reduce<Dict>((acc, o) => merge(acc, asDict(o, 'combine')), asDict(v, 'combine'));
}

export function dict2items(v: unknown, keyName: unknown = 'key', valueName: unknown = 'value'): Dict[] {
  const d = asDict(v, 'dict2items');
  return dictKeys(d).map((k) => ({ [toText(keyName)]: k, [toText(valueName)]: getMember(d, k) }));
}

export function items2dict(v: unknown, keyName: unknown = 'key', valueName: unknown = 'value'): Dict {
  const out: Dict = {};
  for (const item of toList(v, 'items2dict')) {
    const k = attrPath(item, toText(keyName));
    const val = attrPath(item, toText(valueName));
    if (k === MISSING || val === MISSING) throw new OpError(`items2dict: each item needs '${toText(keyName)}' and '${toText(valueName)}'`);
    out[toText(k)] = val;
  }
  return out;
}

/** Jinja items: [[key, value], …] of a dict. */
export const items = (v: unknown) => dictKeys(asDict(v, 'items')).map((k) => [k, getMember(v, k)]);

export const difference = (a: unknown, b: unknown) => unique(a).filter((x) => !toList(b, 'difference').some((y) => equals(x, y)));
export const intersect = (a: unknown, b: unknown) => unique(a).filter((x) => toList(b, 'intersect').some((y) => equals(x, y)));
export const union = (a: unknown, b: unknown) => unique([...toList(a, 'union'), ...toList(b, 'union')]);

/** Ansible ternary: `none_val` (when given) for None, else true or false value by truthiness. */
export function ternary(v: unknown, whenTrue: unknown, whenFalse: unknown, whenNone: unknown = MISSING): unknown {
  if (v === null && whenNone !== MISSING) return whenNone;
  return truthy(v) ? whenTrue : whenFalse;
}

/** Jinja default: replaces undefined, and with `boolean` true every falsy value too. */
export function defaultValue(v: unknown, fallback: unknown = '', boolean: unknown = false): unknown {
  return v === undefined || (truthy(boolean) && !truthy(v)) ? fallback : v;
}

export function mandatory(v: unknown, msg: unknown, name: string | undefined): unknown {
  if (v !== undefined) return v;
  throw new OpError(msg !== undefined && msg !== null ? toText(msg) : `mandatory variable ${name ? `'${name}' ` : ''}is not defined`);
}

/** Python range(stop) / range(start, stop[, step]). */
export function range(args: unknown[]): number[] {
  const n = args.map((a) => {
    if (typeof a !== 'number' || !Number.isInteger(a)) throw new OpError(`range expects integers, got '${typeName(a)}'`);
    return a;
  });
  if (n.length < 1 || n.length > 3) throw new OpError('range expects 1 to 3 arguments');
  const [start, stop, step] = n.length === 1 ? [0, n[0]!, 1] : [n[0]!, n[1]!, n[2] ?? 1];
  if (step === 0) throw new OpError('range: step must not be zero');
  const count = Math.max(0, Math.ceil((stop - start) / step));
  if (count > 100_000) throw new OpError('range: more than 100000 items');
  return Array.from({ length: count }, (_, i) => start + i * step);
}
