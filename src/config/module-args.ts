/**
 * A task's module arguments as written: a mapping, a `k=v` string (free-form text for modules
 * that take it) or nothing, merged over `args:`. The loader and `validate` both read them so.
 */
import type { ModuleInfo } from '../modules/catalog.js';
import { parseKeyValueArgs } from './kv.js';

const isMapping = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The arguments, or the reason they cannot be read (without the module's name). */
export function readModuleArgs(value: unknown, extra: unknown, info: ModuleInfo): { args: Record<string, unknown> } | { error: string } {
  let args: Record<string, unknown>;
  if (value === null || value === undefined) args = {};
  else if (typeof value === 'string') {
    try {
      args = parseKeyValueArgs(value, info.freeForm ? { param: info.freeForm, knownParams: info.params } : undefined);
    } catch (e) {
      return { error: `${(e as Error).message}; use a mapping of arguments` };
    }
  } else if (isMapping(value)) args = { ...value };
  else return { error: 'arguments must be a mapping or a key=value string' };
  return { args: isMapping(extra) ? { ...extra, ...args } : args };
}
