/** The helpers the rewrite (rewrite.ts) inserts; not for template authors. */
import { getMember, MISSING, toText } from '../../expr/values.js';
import { LocatedFailure, type HbLoc } from '../errors.js';

interface Options {
  loc?: HbLoc;
  data?: { __capture?: { value?: unknown } };
}

/** Own-property lookup; templates may also read `length` of lists and strings (`xs.length`). */
function member(obj: unknown, key: string): unknown {
  if (key === 'length' && (Array.isArray(obj) || typeof obj === 'string')) return obj.length;
  return getMember(obj, key);
}

/** `(__path strict label root k1 k2 …)`: root[k1][k2]…, undefined or an error when absent. */
export function pathHelper(...raw: unknown[]): unknown {
  const options = raw.pop() as Options;
  const [strict, label, root, ...keys] = raw as [boolean, string, unknown, ...string[]];
  let cur = root;
  for (let i = 0; i < keys.length; i++) {
    const next = member(cur, keys[i]!);
    if (next === MISSING) {
      if (!strict) return undefined;
      throw new LocatedFailure(`undefined variable '${label}${keys.slice(0, i + 1).join('.')}' in template`, 'undefined', options.loc);
    }
    cur = next;
  }
  return cur;
}

/** `{{__out value}}`: text for the output, and the native value for single-expression strings. */
export function outHelper(value: unknown, options: Options): string {
  const sink = options.data?.__capture;
  if (sink) sink.value = value;
  return toText(value);
}
