// The validators `npm run build` precompiles (dist/) must judge exactly as the schemas compiled at run time.
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import { describe, expect, it } from 'vitest';
import { ARGS_AJV_OPTIONS, ARGS_VALIDATORS_FILE, REMOTE_MODULES } from '../../src/modules/registry.js';
import { LOCAL_MODULES } from '../../src/modules/local-specs.js';
import { checkerAjvOptions, checkerSchemas, CHECKER_VALIDATORS_FILE } from '../../src/validate/schema-check.js';

const dist = fileURLToPath(new URL('../../dist/', import.meta.url));
const load = (file: string) => createRequire(import.meta.url)(dist + file) as Record<string, ValidateFunction>;

/** Inputs that exercise a schema: empty, wrong shapes, every property with each scalar type. */
function samples(schema: Record<string, unknown>): unknown[] {
  const props = Object.keys((schema['properties'] ?? {}) as object);
  const each = (v: unknown) => Object.fromEntries(props.map((p) => [p, v]));
  return [{}, [], 'text', null, { not_a_parameter: 1 }, each('0644'), each(1), each(true), each(['a']), each({ a: 1 }), each('yes')];
}

/** What a run sees of a verdict: the result, the errors (with their schema, under verbose) and the coerced data. */
function verdict(validate: ValidateFunction, input: unknown): unknown {
  const data = structuredClone(input);
  const valid = validate(data);
  const errors = (validate.errors ?? []).map((e: ErrorObject) => ({ keyword: e.keyword, instancePath: e.instancePath, schemaPath: e.schemaPath, params: e.params, parentSchema: e.parentSchema }));
  return { valid, errors, data };
}

describe('precompiled validators (dist) agree with run-time compilation', () => {
  it('module arguments: every module, coercion included', () => {
    const built = load(ARGS_VALIDATORS_FILE);
    const ajv = new Ajv(ARGS_AJV_OPTIONS);
    const modules = [...REMOTE_MODULES, ...LOCAL_MODULES];
    expect(Object.keys(built).sort()).toEqual(modules.map((m) => m.name).sort());
    for (const m of modules) {
      const fresh = ajv.compile(m.schema);
      for (const input of samples(m.schema)) expect(verdict(built[m.name]!, input), `${m.name} ${JSON.stringify(input)}`).toEqual(verdict(fresh, input));
    }
  });

  it('the schema checker: every precompiled definition', () => {
    const built = load(CHECKER_VALIDATORS_FILE);
    const ajv = new Ajv(checkerAjvOptions());
    for (const schema of checkerSchemas()) ajv.addSchema(schema);
    const keys = Object.keys(built);
    expect(keys.length).toBeGreaterThan(20);
    for (const key of keys) {
      const fresh = ajv.getSchema(key)!;
      const schema = fresh.schema as Record<string, unknown>;
      for (const input of [...samples(schema), { name: 1, hosts: 2, tasks: 'x', become: 'maybe', when: {} }]) {
        expect(verdict(built[key]!, input), `${key} ${JSON.stringify(input)}`).toEqual(verdict(fresh, input));
      }
    }
  });
});
