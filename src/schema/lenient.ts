/**
 * A module's argument schema as written in a playbook: the module's own schema checks rendered
 * arguments, but before rendering `create: "{{ flag }}"` or `port: "8080"` are fine too.
 */
import type { JsonSchema } from '../modules/types.js';
import { BOOLISH, choiceOrTemplate, INTISH, NUMBERISH, TEMPLATE, TEXT } from './fragments.js';

const isObj = (v: unknown): v is JsonSchema => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Returns a new schema; the module's own schema is left alone. */
export function lenient(schema: JsonSchema): JsonSchema {
  const out: JsonSchema = {};
  for (const [k, v] of Object.entries(schema)) {
    if (k === 'properties' && isObj(v)) out[k] = Object.fromEntries(Object.entries(v).map(([p, s]) => [p, isObj(s) ? lenientValue(s) : s]));
    else if (k === 'items' && isObj(v)) out[k] = lenientValue(v);
    else out[k] = v;
  }
  return out;
}

function lenientValue(s: JsonSchema): JsonSchema {
  const { type, enum: choices, ...rest } = s;
  const inner = lenient(rest);
  if (Array.isArray(choices)) {
    // Completion offers the choices; a template is checked once rendered.
    return { ...withoutValidation(inner), ...choiceOrTemplate(choices) };
  }
  switch (type) {
    case 'string':
      return { ...inner, ...TEXT };
    case 'boolean':
      return { ...inner, ...BOOLISH };
    case 'integer':
      return { ...inner, ...INTISH };
    case 'number':
      return { ...inner, ...NUMBERISH };
    case 'array':
    case 'object':
      return { ...inner, type: [type, 'string'], pattern: TEMPLATE, patternErrorMessage: `must be a ${type === 'array' ? 'list' : 'mapping'} or a {{ template }}` };
    default:
      if (Array.isArray(type) && type.includes('string')) return { ...inner, type: [...new Set([...type, 'number'])] };
      return type === undefined ? inner : { ...inner, type };
  }
}

/** Keeps what editors show (description, default) and drops what would refuse a template. */
function withoutValidation(s: JsonSchema): JsonSchema {
  const keep: JsonSchema = {};
  for (const k of ['description', 'default', 'markdownDescription']) if (s[k] !== undefined) keep[k] = s[k];
  return keep;
}
