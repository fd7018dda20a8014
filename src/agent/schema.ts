// Validates metadata against schemas/node-metadata.schema.json (JSON Schema 2020-12) with ajv.
import { readFileSync } from 'node:fs';
import type { ValidateFunction } from 'ajv/dist/2020.js';
import { ajv2020Class } from '../schema/ajv-on-demand.js';

import { METADATA_SCHEMA_FILE } from '../schema/metadata-file.js';


let compiled: ValidateFunction | undefined;

function validator(): ValidateFunction {
  if (!compiled) {
    const schema = JSON.parse(readFileSync(METADATA_SCHEMA_FILE, 'utf8')) as object;
    // `format` is an annotation here; updatedAt's `pattern` does the checking (no ajv-formats).
    compiled = new (ajv2020Class())({ allErrors: true, strict: false, validateFormats: false }).compile(schema);
  }
  return compiled;
}

/** One schema violation: the keys leading to the value it is about (none: the whole value), and what is wrong. */
export interface MetadataProblem {
  /** The keys down to the value, unescaped (for locating it in a YAML file). */
  path: string[];
  /** The same as a JSON pointer, as ajv gives it ('' for the whole value). */
  pointer: string;
  message: string;
}

/** Every violation, or an empty list when the value is valid metadata. */
export function metadataErrors(value: unknown): MetadataProblem[] {
  const validate = validator();
  if (validate(value)) return [];
  return (validate.errors ?? []).map((e) => ({ path: pointerKeys(e.instancePath), pointer: e.instancePath, message: e.message ?? 'invalid' }));
}

/** `/path: message`, the path as a JSON pointer (`/` for the whole value). */
export function formatMetadataProblem(p: MetadataProblem): string {
  return `${p.pointer || '/'}: ${p.message}`;
}

/** Every problem as `/path: message`, or an empty list when the value is valid metadata. */
export function metadataProblems(value: unknown): string[] {
  return metadataErrors(value).map(formatMetadataProblem);
}

/** A JSON pointer (ajv's instancePath) → its keys, unescaped. */
function pointerKeys(pointer: string): string[] {
  return pointer === '' ? [] : pointer.slice(1).split('/').map((k) => k.replace(/~1/g, '/').replace(/~0/g, '~'));
}
