/** The helper table: registration on a handlebars instance, and the documentation. */
import type Handlebars from 'handlebars';
import { OpError } from '../../expr/errors.js';
import { LocatedFailure, type HbLoc } from '../errors.js';
import { OUT_HELPER, PATH_HELPER } from '../rewrite.js';
import { DATA_HELPERS } from './data.js';
import { CLUSTER_HELPERS } from './cluster.js';
import { FILTER_HELPERS } from './filters.js';
import { outHelper, pathHelper } from './internal.js';
import { LOGIC_HELPERS } from './logic.js';
import type { HelperDoc, HelperSpec } from './types.js';

export type { HelperDoc, HelperSpec } from './types.js';

export const HELPER_SPECS: readonly HelperSpec[] = [...FILTER_HELPERS, ...LOGIC_HELPERS, ...DATA_HELPERS, ...CLUSTER_HELPERS];

/** Every helper with its summary and a tested example (docs/templates.md is written from it). */
export const HELPER_DOCS: readonly HelperDoc[] = HELPER_SPECS.map(({ fn: _fn, lenient: _lenient, ...doc }) => doc);

interface Options {
  hash?: Record<string, unknown>;
  loc?: HbLoc;
  data?: { root?: unknown };
}

function wrap(spec: HelperSpec & { fn: NonNullable<HelperSpec['fn']> }): Handlebars.HelperDelegate {
  return (...raw: unknown[]) => {
    const options = raw.pop() as Options;
    const hash: Record<string, unknown> = {};
    let argName: string | undefined;
    for (const [k, v] of Object.entries(options.hash ?? {})) {
      if (k === '__name') argName = String(v);
      else hash[k] = v;
    }
    if (!spec.lenient) {
      const i = raw.indexOf(undefined);
      if (i !== -1) throw new LocatedFailure(`argument ${i + 1} of '${spec.name}' is undefined`, 'undefined', options.loc);
      const k = Object.keys(hash).find((key) => hash[key] === undefined);
      if (k) throw new LocatedFailure(`argument '${k}' of '${spec.name}' is undefined`, 'undefined', options.loc);
    }
    try {
      return spec.fn(raw, { hash, argName, root: options.data?.root });
    } catch (e) {
      if (!(e instanceof OpError)) throw e;
      const reason = spec.name === 'mandatory' ? e.message : `${e.message} (in helper '${spec.name}')`;
      throw new LocatedFailure(reason, 'helper', options.loc);
    }
  };
}

export function registerHelpers(hb: typeof Handlebars): void {
  for (const spec of HELPER_SPECS) {
    if (spec.fn) hb.registerHelper(spec.name, wrap(spec as HelperSpec & { fn: NonNullable<HelperSpec['fn']> }));
  }
  hb.registerHelper(PATH_HELPER, pathHelper);
  hb.registerHelper(OUT_HELPER, outHelper as Handlebars.HelperDelegate);
}
