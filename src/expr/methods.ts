/**
 * The Python methods playbooks call in conditions (`x.startswith('a')`, `d.get('k')`),
 * implemented here: no JS method is ever looked up on a value.
 */
import { OpError } from './errors.js';
import * as T from './filter-text.js';
import { contains, dictKeys, equals, getMember, isDict, MISSING, toList, toText, typeName } from './values.js';

type Method = (self: never, args: unknown[]) => unknown;

function prefixes(arg: unknown, what: string): string[] {
  const list = Array.isArray(arg) ? arg : [arg];
  return list.map((p) => {
    if (typeof p !== 'string') throw new OpError(`${what} expects a string or a list of strings`);
    return p;
  });
}

const STR: Record<string, (self: string, args: unknown[]) => unknown> = {
  startswith: (s, [p]) => prefixes(p, 'startswith').some((x) => s.startsWith(x)),
  endswith: (s, [p]) => prefixes(p, 'endswith').some((x) => s.endsWith(x)),
  lower: (s) => s.toLowerCase(),
  upper: (s) => s.toUpperCase(),
  capitalize: (s) => T.capitalize(s),
  strip: (s, [chars]) => T.trim(s, chars),
  lstrip: (s, [chars]) => T.trim(s, chars, 'left'),
  rstrip: (s, [chars]) => T.trim(s, chars, 'right'),
  split: (s, [sep, max]) => T.split(s, sep, max),
  splitlines: (s) => s.split(/\r?\n/).filter((l, i, all) => l !== '' || i < all.length - 1),
  replace: (s, [o, n, c]) => T.replace(s, o, n, c),
  find: (s, [sub]) => s.indexOf(T.asText(sub, 'find')),
  count: (s, [sub]) => (s.length === 0 && sub === '' ? 1 : s.split(T.asText(sub, 'count')).length - 1),
  join: (s, [xs]) => toList(xs, 'join').map(toText).join(s),
  isdigit: (s) => /^\d+$/.test(s),
  isalpha: (s) => /^[A-Za-z]+$/.test(s),
  isalnum: (s) => /^[A-Za-z0-9]+$/.test(s),
  isspace: (s) => /^\s+$/.test(s),
  islower: (s) => /[a-z]/.test(s) && s === s.toLowerCase(),
  isupper: (s) => /[A-Z]/.test(s) && s === s.toUpperCase(),
};

const LIST: Record<string, (self: unknown[], args: unknown[]) => unknown> = {
  index: (xs, [x]) => {
    const i = xs.findIndex((y) => equals(x, y));
    if (i === -1) throw new OpError(`${toText(x)} is not in list`);
    return i;
  },
  count: (xs, [x]) => xs.filter((y) => equals(x, y)).length,
};

const DICT: Record<string, (self: Record<string, unknown>, args: unknown[]) => unknown> = {
  keys: (d) => dictKeys(d),
  values: (d) => dictKeys(d).map((k) => getMember(d, k)),
  items: (d) => dictKeys(d).map((k) => [k, getMember(d, k)]),
  get: (d, [k, fallback = null]) => {
    const v = typeof k === 'string' || typeof k === 'number' ? getMember(d, k) : MISSING;
    return v === MISSING ? fallback : v;
  },
  has_key: (d, [k]) => contains(d, k),
};

export function callMethod(self: unknown, name: string, args: unknown[]): unknown {
  const table: Record<string, Method> | undefined =
    typeof self === 'string' ? STR : Array.isArray(self) ? LIST : isDict(self) ? DICT : undefined;
  if (!table || !Object.hasOwn(table, name)) throw new OpError(`'${typeName(self)}' has no method '${name}'`);
  return (table[name] as (s: unknown, a: unknown[]) => unknown)(self, args);
}
