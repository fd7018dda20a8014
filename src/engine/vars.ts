import { UserError, type SourcePos } from '../model/source.js';
import { looksTemplated } from '../template/hints.js';

/** Renders one templated value against a variable object (TemplateEngine.renderDeep). */
export type Render = (value: unknown, vars: Record<string, unknown>, where?: SourcePos) => unknown;

/** One layer of variables, lowest precedence first when merged. */
export interface VarLayer {
  values: Record<string, unknown>;
  /** Where these variables were written, for errors raised while rendering them. */
  pos?: SourcePos;
  /**
   * Values that never hold templates (magic variables): not scanned. Scanning `hostvars` would
   * call its lazy getters, merging every host's variables for every task: O(hosts²) per task.
   */
  plain?: boolean;
}

function hasTemplate(v: unknown, depth = 0): boolean {
  if (typeof v === 'string') return looksTemplated(v);
  if (depth > 50 || typeof v !== 'object' || v === null) return false;
  return Object.values(v).some((x) => hasTemplate(x, depth + 1));
}

/**
 * Merges layers (later wins) into one object whose templated values render on first read,
 * against the merged object itself, as Ansible's lazy variables do. A variable that refers
 * to itself through a chain is reported instead of recursing forever.
 */
export function mergeVars(layers: VarLayer[], render: Render): Record<string, unknown> {
  const merged: Record<string, unknown> = {};
  const resolving = new Set<string>();
  for (const layer of layers) {
    for (const key of Object.keys(layer.values)) {
      const raw = layer.values[key];
      if (layer.plain || !hasTemplate(raw)) {
        // Assigned, not defined: much cheaper, and this runs for every task on every host. Over
        // an earlier templated value, its setter takes the value. '__proto__' must be defined:
        // assigning it would set the prototype.
        if (key === '__proto__') Object.defineProperty(merged, key, { value: raw, enumerable: true, configurable: true, writable: true });
        else merged[key] = raw;
        continue;
      }
      let cached: { v: unknown } | undefined;
      Object.defineProperty(merged, key, {
        enumerable: true,
        configurable: true,
        get() {
          if (cached) return cached.v;
          if (resolving.has(key)) {
            throw new UserError(`recursive loop in variable '${key}' (it refers to itself through ${[...resolving].join(' -> ')})`, layer.pos);
          }
          resolving.add(key);
          try {
            cached = { v: render(raw, merged, layer.pos) };
          } finally {
            resolving.delete(key);
          }
          return cached.v;
        },
        set(v: unknown) {
          cached = { v };
        },
      });
    }
  }
  return merged;
}

/** Copies every variable's final (rendered) value: for set_fact, register, hostvars snapshots. */
export function materialize(vars: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(vars)) out[k] = vars[k];
  return out;
}
