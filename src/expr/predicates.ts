/** Jinja/Ansible tests: `x is defined`, `result is failed`, `n is divisibleby 3`. */
import { OpError } from './errors.js';
import { pyRegex } from './regex.js';
import { compare, contains, equals, getMember, isDict, MISSING, toList, truthy, typeName } from './values.js';

export interface TestDef {
  /** Receives `undefined` for an undefined operand instead of failing (defined/undefined). */
  lenient?: boolean;
  /** How many arguments the test takes: [min, max]. */
  arity: [number, number];
  /** Names of the arguments, for keyword arguments (`match('x', ignorecase=true)`). */
  params?: string[];
  fn(value: unknown, args: unknown[]): boolean;
}

const t = (arity: [number, number], fn: TestDef['fn'], lenient = false): TestDef => ({ arity, fn, lenient });

/** Registered task results: a dict with `failed`/`changed`/`skipped` booleans. */
function resultFlag(test: string, flag: string): TestDef {
  return t([0, 0], (v) => {
    if (!isDict(v)) throw new OpError(`the '${test}' test expects a registered result (a dict), got '${typeName(v)}'`);
    const value = getMember(v, flag);
    return value !== MISSING && truthy(value);
  });
}

function regexTest(kind: 'match' | 'search' | 'fullmatch'): TestDef {
  const def = t([1, 3], (v, [pattern, ignorecase, multiline]) => {
    if (typeof v !== 'string' || typeof pattern !== 'string') throw new OpError(`the '${kind}' test expects a string and a pattern`);
    const flags = { ignorecase: truthy(ignorecase), multiline: truthy(multiline) };
    if (kind === 'search') return pyRegex(pattern, flags).test(v);
    // Python's match anchors at the start of the string, fullmatch at both ends (even with
    // multiline, so `^`/`$` must not become line anchors here).
    const inline = /^\(\?[aiLmsux]+\)/.exec(pattern)?.[0] ?? '';
    const body = pattern.slice(inline.length);
    return pyRegex(`${inline}^(?:${body})${kind === 'fullmatch' ? '$' : ''}`, { ...flags, multiline: false }).test(v);
  });
  return { ...def, params: ['pattern', 'ignorecase', 'multiline'] };
}

const succeeded = t([0, 0], (v) => !resultFlag('succeeded', 'failed').fn(v, []));
const failed = resultFlag('failed', 'failed');
const changed = resultFlag('changed', 'changed');
const skipped = resultFlag('skipped', 'skipped');
const unreachable = resultFlag('unreachable', 'unreachable');
const eq = t([1, 1], (v, [o]) => equals(v, o));
const ne = t([1, 1], (v, [o]) => !equals(v, o));
const lt = t([1, 1], (v, [o]) => compare(v, o, '<') < 0);
const le = t([1, 1], (v, [o]) => compare(v, o, '<=') <= 0);
const gt = t([1, 1], (v, [o]) => compare(v, o, '>') > 0);
const ge = t([1, 1], (v, [o]) => compare(v, o, '>=') >= 0);

function int(v: unknown, what: string): number {
  if (typeof v !== 'number' || !Number.isInteger(v)) throw new OpError(`the '${what}' test expects an integer, got '${typeName(v)}'`);
  return v;
}

export const TESTS: Record<string, TestDef> = {
  defined: t([0, 0], (v) => v !== undefined, true),
  undefined: t([0, 0], (v) => v === undefined, true),
  none: t([0, 0], (v) => v === null),
  truthy: t([0, 0], (v) => truthy(v)),
  falsy: t([0, 0], (v) => !truthy(v)),
  boolean: t([0, 0], (v) => typeof v === 'boolean'),
  string: t([0, 0], (v) => typeof v === 'string'),
  number: t([0, 0], (v) => typeof v === 'number'),
  integer: t([0, 0], (v) => typeof v === 'number' && Number.isInteger(v)),
  float: t([0, 0], (v) => typeof v === 'number' && !Number.isInteger(v)),
  mapping: t([0, 0], (v) => isDict(v)),
  sequence: t([0, 0], (v) => Array.isArray(v) || typeof v === 'string'),
  iterable: t([0, 0], (v) => Array.isArray(v) || typeof v === 'string' || isDict(v)),
  lower: t([0, 0], (v) => typeof v === 'string' && v === v.toLowerCase()),
  upper: t([0, 0], (v) => typeof v === 'string' && v === v.toUpperCase()),
  even: t([0, 0], (v) => int(v, 'even') % 2 === 0),
  odd: t([0, 0], (v) => Math.abs(int(v, 'odd') % 2) === 1),
  divisibleby: t([1, 1], (v, [n]) => int(v, 'divisibleby') % int(n, 'divisibleby') === 0),
  eq, equalto: eq, '==': eq,
  ne, '!=': ne,
  lt, lessthan: lt, '<': lt,
  le, '<=': le,
  gt, greaterthan: gt, '>': gt,
  ge, '>=': ge,
  sameas: t([1, 1], (v, [o]) => v === o),
  in: t([1, 1], (v, [seq]) => contains(seq, v)),
  contains: t([1, 1], (v, [item]) => contains(v, item)),
  subset: t([1, 1], (v, [o]) => toList(v).every((x) => contains(o, x))),
  superset: t([1, 1], (v, [o]) => toList(o).every((x) => contains(v, x))),
  match: regexTest('match'),
  search: regexTest('search'),
  regex: regexTest('search'),
  fullmatch: regexTest('fullmatch'),
  succeeded, success: succeeded,
  failed, failure: failed,
  changed, change: changed,
  skipped, skip: skipped,
  unreachable,
  reachable: t([0, 0], (v) => !unreachable.fn(v, [])),
};
