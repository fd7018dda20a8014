/**
 * Pieces shared by the generated schemas. Values in playbooks may be `{{ templates }}` that
 * render to the right type at run time, and the engine coerces "yes"/"8080" as Ansible does,
 * so the schemas accept those string forms wherever a boolean, number, list or mapping goes.
 */
import type { JsonSchema } from '../modules/types.js';

export const DRAFT = 'http://json-schema.org/draft-07/schema#';
export const ID_BASE = 'https://oasis-play.dev/schemas/';

/** A string that holds a template somewhere: its type is only known once rendered. */
export const TEMPLATE = '\\{\\{';
const BOOL_WORDS = '[Yy]|[Yy][Ee][Ss]|[Nn]|[Nn][Oo]|[Tt][Rr][Uu][Ee]|[Ff][Aa][Ll][Ss][Ee]|[Oo][Nn]|[Oo][Ff][Ff]|[01]';

export const BOOLISH: JsonSchema = {
  type: ['boolean', 'string'],
  pattern: `^(?:${BOOL_WORDS})$|${TEMPLATE}`,
  patternErrorMessage: 'must be a boolean (true, false, yes, no) or a {{ template }}',
};

export const INTISH: JsonSchema = {
  type: ['integer', 'string'],
  pattern: `^\\s*[-+]?\\d+\\s*$|${TEMPLATE}`,
  patternErrorMessage: 'must be a whole number or a {{ template }}',
};

/** What the loader reads with Number(): no template here, it is read before anything renders. */
export const WHOLE: JsonSchema = {
  type: ['integer', 'string'],
  minimum: 0,
  pattern: '^\\s*\\d+\\s*$',
  patternErrorMessage: 'must be a whole number',
};

export const NUMBERISH: JsonSchema = {
  type: ['number', 'string'],
  pattern: `^\\s*[-+]?(\\d+\\.?\\d*|\\.\\d+)\\s*$|${TEMPLATE}`,
  patternErrorMessage: 'must be a number or a {{ template }}',
};

/** Plain text: numbers and booleans are turned into text by the engine. */
export const TEXT: JsonSchema = { type: ['string', 'number', 'boolean'] };


/** A name for a variable: what `register`, `set_fact` and `vars` keys must be. */
export const VAR_NAME = '^[A-Za-z_][A-Za-z0-9_]*$';
/** Keys that mean something to JavaScript objects: refused rather than risked. */
export const RESERVED_NAMES = ['__proto__', 'constructor', 'prototype'];

export const VARIABLE_NAMES: JsonSchema = {
  pattern: VAR_NAME,
  not: { enum: RESERVED_NAMES },
  patternErrorMessage: 'not a valid variable name (letters, digits and _, not starting with a digit)',
};

// Type unions rather than anyOf: editors and validate then name the one problem precisely.
export const CONDITION: JsonSchema = { type: ['string', 'boolean', 'number', 'array'], items: { type: ['string', 'boolean', 'number'] } };

export const STRING_LIST: JsonSchema = { type: ['string', 'array'], items: { type: 'string' } };

/** A string among `choices`, or a template: editors offer the choices as completions. */
export function choiceOrTemplate(choices: unknown[]): JsonSchema {
  const alternatives = choices.map((c) => String(c).replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|');
  return {
    type: 'string',
    pattern: `^(?:${alternatives})$|${TEMPLATE}`,
    examples: choices,
    patternErrorMessage: `must be one of ${choices.join(', ')} (or a {{ template }})`,
  };
}

/** Describes a JSON value the way an error message names it. */
export function kindOf(v: unknown): string {
  if (v === null || v === undefined) return 'nothing';
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'object') return 'a mapping';
  if (typeof v === 'string') return 'a string';
  return `a ${typeof v}`;
}
