// Validates metadata against schemas/node-metadata.schema.json (JSON Schema 2020-12) with ajv.
import { readFileSync } from 'node:fs';
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';

import { METADATA_SCHEMA_FILE } from '../schema/metadata-file.js';


let compiled: ValidateFunction | undefined;

function validator(): ValidateFunction {
  if (!compiled) {
    const schema = JSON.parse(readFileSync(METADATA_SCHEMA_FILE, 'utf8')) as object;
    // `format` is an annotation here; updatedAt's `pattern` does the checking (no ajv-formats).
    compiled = new Ajv2020({ allErrors: true, strict: false, validateFormats: false }).compile(schema);
  }
  return compiled;
}

/** Every problem as `/path: message`, or an empty list when the value is valid metadata. */
export function metadataProblems(value: unknown): string[] {
  const validate = validator();
  if (validate(value)) return [];
  return (validate.errors ?? []).map((e) => `${e.instancePath || '/'}: ${e.message ?? 'invalid'}`);
}
