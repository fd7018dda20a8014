/**
 * Value semantics shared by expressions and template helpers: Python/Jinja-like rules over the
 * JSON-ish data a playbook holds (null, booleans, numbers, strings, arrays, plain objects).
 */
import { OpError } from './errors.js';

/** Returned by lookups that find nothing (distinct from a stored `undefined`/null). */
export const MISSING: unique symbol = Symbol('missing');
export type Missing = typeof MISSING;

export type Dict = Record<string, unknown>;

/**
 * A mapping the user wrote (YAML/JSON object, or a variable scope made with Object.create of
 * one). Class instances, Maps, Dates... are not: their prototypes own a `constructor`.
 */
export function isDict(v: unknown): v is Dict {
  if (v === null || typeof v !== 'object' || Array.isArray(v)) return false;
  for (let p = Object.getPrototypeOf(v); p !== null && p !== Object.prototype; p = Object.getPrototypeOf(p)) {
    if (Object.hasOwn(p, 'constructor')) return false;
  }
  return true;
}

/** Keys of a dict, including those of scope objects it was created from (nearest wins). */
export function dictKeys(d: Dict): string[] {
  const seen = new Set<string>();
  for (let o: object | null = d; o !== null && o !== Object.prototype; o = Object.getPrototypeOf(o)) {
    for (const k of Object.keys(o)) seen.add(k);
  }
  return [...seen];
}

/**
 * `obj.key` / `obj[key]` without ever reaching a prototype: own properties of dicts (and of
 * the scope objects they inherit from), indices of arrays and strings. Negative indices count
 * from the end, as in Python. Nothing else: no `length`, no methods, no `__proto__`.
 */
export function getMember(obj: unknown, key: unknown): unknown {
  if (Array.isArray(obj) || typeof obj === 'string') {
    const i = toIndex(key);
    if (i === undefined) return MISSING;
    const n = i < 0 ? obj.length + i : i;
    if (n < 0 || n >= obj.length) return MISSING;
    return obj[n];
  }
  if (isDict(obj) && (typeof key === 'string' || typeof key === 'number')) {
    const k = String(key);
    for (let o: object | null = obj; o !== null && o !== Object.prototype; o = Object.getPrototypeOf(o)) {
      if (Object.hasOwn(o, k)) return (o as Dict)[k];
    }
  }
  return MISSING;
}

function toIndex(key: unknown): number | undefined {
  if (typeof key === 'number') return Number.isInteger(key) ? key : undefined;
  if (typeof key === 'string' && /^-?\d+$/.test(key)) return Number(key);
  return undefined;
}

/** Python type names: Ansible users read these in error messages. */
export function typeName(v: unknown): string {
  if (v === null || v === undefined) return 'NoneType';
  if (typeof v === 'boolean') return 'bool';
  if (typeof v === 'number') return Number.isInteger(v) ? 'int' : 'float';
  if (typeof v === 'string') return 'str';
  if (Array.isArray(v)) return 'list';
  if (isDict(v)) return 'dict';
  return typeof v === 'object' ? (v.constructor?.name ?? 'object') : typeof v;
}

/** Python truthiness: empty strings, lists and dicts, 0, None and false are false. */
export function truthy(v: unknown): boolean {
  if (v === null || v === undefined || v === false) return false;
  if (typeof v === 'number') return v !== 0;
  if (typeof v === 'string' || Array.isArray(v)) return v.length > 0;
  if (isDict(v)) return dictKeys(v).length > 0;
  return true;
}

/** Deep equality without coercion: 1 == '1' is false, true == 1 is false. */
export function equals(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (a === null || b === null || a === undefined || b === undefined) return a == b;
  if (Array.isArray(a)) {
    return Array.isArray(b) && a.length === b.length && a.every((x, i) => equals(x, b[i]));
  }
  if (isDict(a)) {
    if (!isDict(b)) return false;
    const ka = dictKeys(a);
    const kb = dictKeys(b);
    return ka.length === kb.length && ka.every((k) => kb.includes(k) && equals(getMember(a, k), getMember(b, k)));
  }
  return false;
}

/** Ordering for <, sort, min/max: numbers with numbers, strings with strings, lists item-wise. */
export function compare(a: unknown, b: unknown, op = '<'): number {
  if (typeof a === 'number' && typeof b === 'number') return a < b ? -1 : a > b ? 1 : 0;
  if (typeof a === 'string' && typeof b === 'string') return a < b ? -1 : a > b ? 1 : 0;
  if (Array.isArray(a) && Array.isArray(b)) {
    for (let i = 0; i < Math.min(a.length, b.length); i++) {
      const c = compare(a[i], b[i], op);
      if (c !== 0) return c;
    }
    return a.length - b.length;
  }
  throw new OpError(`'${op}' not supported between '${typeName(a)}' and '${typeName(b)}'`);
}

/** `item in container`: list membership, substring, dict key. */
export function contains(container: unknown, item: unknown): boolean {
  if (Array.isArray(container)) return container.some((x) => equals(x, item));
  if (typeof container === 'string') {
    if (typeof item !== 'string') throw new OpError(`'in <string>' requires a string as left operand, not '${typeName(item)}'`);
    return container.includes(item);
  }
  if (isDict(container)) {
    if (typeof item !== 'string' && typeof item !== 'number') return false;
    return getMember(container, String(item)) !== MISSING;
  }
  throw new OpError(`argument of type '${typeName(container)}' is not iterable`);
}

/**
 * How a value reads inside text (templates, `~`, `| string`): lists and dicts as JSON (never
 * "[object Object]"), None as empty, booleans as true/false.
 */
export function toText(v: unknown): string {
  if (typeof v === 'string') return v;
  if (v === null || v === undefined) return '';
  if (typeof v === 'number' || typeof v === 'boolean' || typeof v === 'bigint') return String(v);
  if (Array.isArray(v) || isDict(v)) return JSON.stringify(toPlain(v));
  return String(v);
}

/** A copy with scope-chain keys flattened, for JSON/YAML output. */
export function toPlain(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(toPlain);
  if (isDict(v)) {
    const out: Dict = {};
    for (const k of dictKeys(v)) out[k] = toPlain(getMember(v, k));
    return out;
  }
  return v;
}

/** Iterate a list, a string's characters or a dict's keys, as Python's `list(x)` does. */
export function toList(v: unknown, what = 'value'): unknown[] {
  if (Array.isArray(v)) return v;
  if (typeof v === 'string') return [...v];
  if (isDict(v)) return dictKeys(v);
  throw new OpError(`${what} of type '${typeName(v)}' is not iterable`);
}
