/**
 * The filter table for `x | name(args)`. Template helpers reuse it (`{{name x args}}`), so a
 * filter behaves the same in `when:` and in a template.
 */
import { OpError } from './errors.js';
import * as D from './filter-data.js';
import * as T from './filter-text.js';
import { TESTS, type TestDef } from './predicates.js';
import { MISSING, toList, toText, truthy } from './values.js';

export interface FilterContext {
  /** Keyword arguments that are not parameters (`ignorecase=true` after varargs). */
  options: Record<string, unknown>;
  /** For lenient filters given an undefined value: the name that was undefined. */
  undefinedName?: string;
}

export interface FilterDef {
  /** Parameter names in order, for keyword binding; a last `...name` takes the rest. */
  params: string[];
  /** Keyword-only options (after a `...rest` parameter); '*' takes any keyword. */
  options?: string[];
  /** Receives `undefined` for an undefined operand instead of failing (default, mandatory). */
  lenient?: boolean;
  fn(value: unknown, args: unknown[], ctx: FilterContext): unknown;
}

const f = (params: string[], fn: FilterDef['fn'], extra: Partial<FilterDef> = {}): FilterDef => ({ params, fn, ...extra });

const defaultFilter = f(['default_value', 'boolean'], (v, [d, b]) => D.defaultValue(v, d, b), { lenient: true });
const lengthFilter = f([], (v) => D.length(v));

export const FILTERS: Record<string, FilterDef> = {
  default: defaultFilter,
  d: defaultFilter,
  mandatory: f(['msg'], (v, [msg], ctx) => D.mandatory(v, msg, ctx.undefinedName), { lenient: true }),
  length: lengthFilter,
  count: lengthFilter,
  int: f(['default', 'base'], (v, [d, base]) => D.toInt(v, d ?? 0, base ?? 10)),
  float: f(['default'], (v, [d]) => D.toFloat(v, d ?? 0)),
  bool: f([], (v) => D.toBool(v)),
  string: f([], (v) => toText(v)),
  lower: f([], T.lower),
  upper: f([], T.upper),
  capitalize: f([], T.capitalize),
  trim: f(['chars'], (v, [chars]) => T.trim(v, chars)),
  replace: f(['old', 'new', 'count'], (v, [o, n, c]) => T.replace(v, o, n, c)),
  split: f(['sep', 'maxsplit'], (v, [sep, max]) => T.split(v, sep, max)),
  first: f([], D.first),
  last: f([], D.last),
  list: f([], D.list),
  reverse: f([], D.reverse),
  unique: f([], D.unique),
  flatten: f(['levels'], (v, [levels]) => D.flatten(v, levels)),
  sort: f(['reverse', 'case_sensitive', 'attribute'], (v, [r, cs, a]) => D.sort(v, r, cs, a)),
  min: f(['attribute'], (v, [a]) => D.min(v, a)),
  max: f(['attribute'], (v, [a]) => D.max(v, a)),
  sum: f(['attribute', 'start'], (v, [a, s]) => D.sum(v, a, s ?? 0)),
  abs: f([], D.abs),
  round: f(['precision', 'method'], (v, [p, m]) => D.round(v, p ?? 0, m ?? 'common')),
  join: f(['d', 'attribute'], (v, [sep, a]) => D.join(v, sep ?? '', a)),
  items: f([], D.items),
  dict2items: f(['key_name', 'value_name'], (v, [k, val]) => D.dict2items(v, k ?? 'key', val ?? 'value')),
  items2dict: f(['key_name', 'value_name'], (v, [k, val]) => D.items2dict(v, k ?? 'key', val ?? 'value')),
  combine: f(['...dicts'], (v, dicts, ctx) => D.combine(v, dicts, ctx.options.recursive), { options: ['recursive'] }),
  difference: f(['other'], (v, [o]) => D.difference(v, o)),
  intersect: f(['other'], (v, [o]) => D.intersect(v, o)),
  union: f(['other'], (v, [o]) => D.union(v, o)),
  ternary: f(['true_val', 'false_val', 'none_val'], (v, args) => D.ternary(v, args[0], args[1], args.length > 2 ? args[2] : MISSING)),
  to_json: f(['indent'], (v, [i]) => D.toJson(v, i)),
  to_nice_json: f(['indent'], (v, [i]) => D.toNiceJson(v, i ?? 4)),
  to_yaml: f(['indent'], (v, [i]) => D.toYaml(v, i ?? 2)),
  to_nice_yaml: f(['indent'], (v, [i]) => D.toYaml(v, i ?? 2)),
  from_json: f([], D.fromJson),
  from_yaml: f([], D.fromYaml),
  regex_replace: f(['regex', 'replace', 'ignorecase', 'multiline', 'count'], (v, [re, r, i, m, c]) => T.regexReplace(v, re, r ?? '', i, m, c)),
  regex_search: f(['regex', '...groups'], (v, [re, ...groups], ctx) => T.regexSearch(v, re, groups, ctx.options), { options: ['ignorecase', 'multiline'] }),
  regex_findall: f(['regex', 'ignorecase', 'multiline'], (v, [re, i, m]) => T.regexFindall(v, re, i, m)),
  regex_escape: f([], T.regexEscape),
  b64encode: f([], T.b64encode),
  b64decode: f([], T.b64decode),
  basename: f([], T.basename),
  dirname: f([], T.dirname),
  quote: f([], T.quote),
  hash: f(['hashtype'], (v, [h]) => T.hash(v, h ?? 'sha1')),
  checksum: f([], (v) => T.hash(v, 'sha1')),
  indent: f(['width', 'first', 'blank'], (v, [w, first, blank]) => T.indent(v, w ?? 4, first, blank)),
  // Any keyword: with a filter name, they are that filter's (checked when it is bound).
  map: f(['...args'], (v, args, ctx) => mapFilter(v, args, ctx.options), { options: ['*'] }),
  select: f(['...args'], (v, args) => selectBy(v, args, true)),
  reject: f(['...args'], (v, args) => selectBy(v, args, false)),
  selectattr: f(['attribute', '...args'], (v, [a, ...args]) => selectBy(v, args, true, toText(a))),
  rejectattr: f(['attribute', '...args'], (v, [a, ...args]) => selectBy(v, args, false, toText(a))),
};

/** `map(attribute='x')`, or `map('filter', args…)` applying another filter to each item. */
function mapFilter(v: unknown, args: unknown[], options: Record<string, unknown>): unknown[] {
  const items = toList(v, 'map');
  // As Jinja: with a filter name, the keyword arguments are that filter's (map('map', attribute='k')).
  if (args.length === 0) {
    const unknown = Object.keys(options).find((k) => k !== 'attribute' && k !== 'default');
    if (unknown !== undefined) throw new OpError(`map has no parameter '${unknown}'`);
    if (options.attribute === undefined) throw new OpError("map needs attribute='name' or a filter name");
    return D.pluck(items, toText(options.attribute), Object.hasOwn(options, 'default') ? options.default : MISSING);
  }
  const [name, ...rest] = args;
  if (typeof name !== 'string') throw new OpError("map needs attribute='name' or a filter name");
  const def = lookupFilter(name);
  const bound = bindArgs(name, def, rest, options);
  return items.map((x) => def.fn(x, bound.args, { options: bound.options }));
}

/** select/reject (and …attr): keep items whose test passes; no test means truthiness. */
function selectBy(v: unknown, args: unknown[], keep: boolean, attribute?: string): unknown[] {
  const [testName, ...testArgs] = args;
  let test: TestDef | undefined;
  if (testName !== undefined) {
    if (!Object.hasOwn(TESTS, toText(testName))) throw new OpError(`unknown test '${toText(testName)}'`);
    test = TESTS[toText(testName)];
  }
  return toList(v, 'select').filter((item) => {
    let value: unknown = item;
    if (attribute !== undefined) {
      value = D.attrPath(item, attribute);
      if (value === MISSING) value = undefined;
    }
    if (value === undefined && !test?.lenient) return !keep;
    const ok = test ? test.fn(value, testArgs) : truthy(value);
    return ok === keep;
  });
}

export function lookupFilter(name: string): FilterDef {
  if (!Object.hasOwn(FILTERS, name)) throw new OpError(`unknown filter '${name}'`);
  return FILTERS[name]!;
}

/** Positional and keyword arguments → the positional list the filter function takes. */
export function bindArgs(name: string, def: FilterDef, args: unknown[], kwargs: Record<string, unknown>): { args: unknown[]; options: Record<string, unknown> } {
  const rest = def.params.at(-1)?.startsWith('...') ? def.params.length - 1 : -1;
  const fixed = rest === -1 ? def.params : def.params.slice(0, rest);
  if (rest === -1 && args.length > fixed.length) {
    throw new OpError(`${name} takes at most ${fixed.length} argument${fixed.length === 1 ? '' : 's'}, got ${args.length}`);
  }
  const bound = [...args];
  const options: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(kwargs)) {
    const i = fixed.indexOf(key);
    if (i !== -1) {
      if (i < args.length) throw new OpError(`${name} got '${key}' twice`);
      while (bound.length < i) bound.push(undefined);
      bound[i] = value;
    } else if (def.options?.includes(key) || def.options?.includes('*')) {
      options[key] = value;
    } else {
      throw new OpError(`${name} has no parameter '${key}'`);
    }
  }
  return { args: bound, options };
}
