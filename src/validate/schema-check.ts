/**
 * Checks a value against one definition of the generated schemas and turns ajv's errors into
 * one readable message each, at the position of the key they are about.
 */
import type { Ajv, ErrorObject, Options, ValidateFunction } from 'ajv';
import { ajvClass } from '../schema/ajv-on-demand.js';
import type { SourcePos } from '../model/source.js';
import { didYouMean } from '../config/suggest.js';
import { generateSchemas, type SchemaFile } from '../schema/generate.js';
import { ID_BASE, kindOf, RESERVED_NAMES } from '../schema/fragments.js';
import { loadPrecompiled } from '../schema/precompiled.js';
import type { Problems } from './problems.js';

/** Where the value at a path (keys and list indexes below the checked value) was written. */
export type Locate = (path: string[]) => SourcePos | undefined;

export interface CheckOptions {
  /** Message for an unknown key of the checked mapping itself; undefined: reported elsewhere. */
  unknownKey: (key: string, known: string[]) => string | undefined;
  /** Message for a missing required key of the checked mapping itself. */
  missing?: (key: string) => string;
  /** Put before messages about nested values: `copy: `. */
  prefix?: string;
  /** Paths checked elsewhere (nested tasks, module arguments): errors below them are dropped. */
  skip?: string[][];
}

type Err = ErrorObject & { parentSchema?: Record<string, unknown>; data?: unknown };

// The schemas are generated and tested against the meta-schema: no need to check them per run.
export const checkerAjvOptions = (): Options => ({ allErrors: true, strict: false, verbose: true, validateSchema: false });

/** The schemas as the checker uses them (the playbook's shallow, see below). */
export function checkerSchemas(schemas: Record<SchemaFile, Record<string, unknown>> = generateSchemas()): Record<string, unknown>[] {
  return Object.entries(schemas).map(([file, schema]) => (file === 'playbook.schema.json' ? shallow(schema) : schema));
}

/** Written by the build (src/schema/precompile.ts), relative to dist/. */
export const CHECKER_VALIDATORS_FILE = 'validate/precompiled-checker.cjs';

export class SchemaChecker {
  private readonly cache = new Map<string, ValidateFunction>();
  private readonly compile: (key: string) => ValidateFunction | undefined;

  /** Default schemas: the build's precompiled validators when there are any; given schemas are compiled. */
  constructor(schemas?: Record<SchemaFile, Record<string, unknown>>) {
    const built = schemas ? undefined : loadPrecompiled(CHECKER_VALIDATORS_FILE);
    let ajv: Ajv | undefined;
    const compiled = (key: string) => {
      if (!ajv) {
        ajv = new (ajvClass())(checkerAjvOptions());
        for (const schema of checkerSchemas(schemas)) ajv.addSchema(schema);
      }
      return ajv.getSchema(key);
    };
    this.compile = (key) => built?.[key] ?? compiled(key);
  }

  /** Adds a problem for each error; returns how many. */
  check(file: SchemaFile, def: string | undefined, value: unknown, locate: Locate, out: Problems, o: CheckOptions): number {
    const validate = this.validator(file, def);
    if (validate(value)) return 0;
    const errors = ((validate.errors ?? []) as Err[]).filter((e) => e.keyword !== 'if' && !skipped(path(e), o.skip));
    let n = 0;
    for (const m of explain(errors, o)) {
      out.error(locate(m.path), m.message);
      n++;
    }
    return n;
  }

  private validator(file: SchemaFile, def: string | undefined): ValidateFunction {
    const key = `${ID_BASE}${file}${def ? `#/definitions/${def}` : ''}`;
    let v = this.cache.get(key);
    if (!v) {
      v = this.compile(key);
      if (!v) throw new Error(`no schema ${key}`);
      this.cache.set(key, v);
    }
    return v;
  }
}

/**
 * The playbook schema as validate uses it: nested task lists and module arguments are walked and
 * checked one by one (with positions and merged `args:`), so the play, block and task
 * definitions stop there. Compiling only what is used keeps `run` quick to start.
 */
function shallow(schema: Record<string, unknown>): Record<string, unknown> {
  const copy = structuredClone(schema) as { definitions: Record<string, { properties: Record<string, unknown> }> };
  const defs = copy.definitions;
  const list = { type: ['array', 'null'] };
  for (const k of ['pre_tasks', 'tasks', 'post_tasks', 'handlers']) defs['play']!.properties[k] = list;
  for (const k of ['block', 'rescue', 'always']) defs['block']!.properties[k] = list;
  const task = defs['task']!.properties;
  for (const [k, v] of Object.entries(task)) if (String((v as { $ref?: string }).$ref ?? '').includes('/module_')) delete task[k];
  return copy;
}

function path(e: ErrorObject): string[] {
  return e.instancePath === '' ? [] : e.instancePath.slice(1).split('/').map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
}

function skipped(p: string[], skip: string[][] | undefined): boolean {
  return (skip ?? []).some((s) => s.length < p.length && s.every((seg, i) => seg === p[i]));
}

interface Msg {
  path: string[];
  message: string;
}

function explain(errors: Err[], o: CheckOptions): Msg[] {
  const out: Msg[] = [];
  const consumed = new Set<Err>();
  // Sub-errors of propertyNames and of anyOf/oneOf branches are summed up by their parent.
  for (const e of errors) {
    if (e.propertyName !== undefined && e.keyword !== 'propertyNames') consumed.add(e);
    if (e.keyword === 'anyOf' || e.keyword === 'oneOf') {
      for (const sub of errors) if (sub !== e && sub.instancePath === e.instancePath && sub.schemaPath.startsWith(`${e.schemaPath}/`)) consumed.add(sub);
    }
  }
  for (const e of errors) {
    if (consumed.has(e)) continue;
    const m = message(e, o);
    if (m && !out.some((x) => x.message === m.message && x.path.join('/') === m.path.join('/'))) out.push(m);
  }
  return out;
}

function message(e: Err, o: CheckOptions): Msg | undefined {
  const p = path(e);
  const prefix = o.prefix ?? '';
  const subject = `${prefix}'${p.join('.')}'`;
  const ps = e.parentSchema ?? {};
  const custom = typeof ps['patternErrorMessage'] === 'string' ? (ps['patternErrorMessage'] as string) : undefined;
  const params = e.params as Record<string, unknown>;
  switch (e.keyword) {
    case 'additionalProperties': {
      const key = String(params['additionalProperty']);
      const known = Object.keys((ps['properties'] as object | undefined) ?? {});
      if (p.length === 0) {
        const m = o.unknownKey(key, known);
        return m === undefined ? undefined : { path: [key], message: m };
      }
      return { path: [...p, key], message: `${prefix}unknown key '${key}' in '${p.join('.')}'${didYouMean(key, known)}` };
    }
    case 'propertyNames': {
      const name = String(params['propertyName']);
      const rule = (ps['propertyNames'] ?? {}) as Record<string, unknown>;
      if (typeof rule['errorMessage'] === 'string') return { path: [...p, name], message: `${prefix}${rule['errorMessage']}` };
      const why = RESERVED_NAMES.includes(name) ? 'a reserved name' : String(rule['patternErrorMessage'] ?? 'not allowed here');
      return { path: [...p, name], message: `${prefix}'${name}' is ${why}` };
    }
    case 'required': {
      const key = String(params['missingProperty']);
      if (p.length === 0 && o.missing) return { path: p, message: o.missing(key) };
      return { path: p, message: `${p.length ? `${subject}: ` : prefix}missing required key '${key}'` };
    }
    case 'anyOf':
    case 'oneOf': {
      const alternatives = requiredAlternatives(ps[e.keyword]);
      if (!alternatives) return { path: p, message: `${p.length ? subject : prefix.replace(/: $/, '')} ${e.message ?? 'is invalid'}` };
      const where = p.length ? `${subject}: ` : prefix;
      if (Array.isArray(params['passingSchemas'])) return { path: p, message: `${where}give only one of ${alternatives.join(', ')}` };
      return { path: p, message: `${where}missing required parameter: give one of ${alternatives.join(', ')}` };
    }
    case 'type':
      return { path: p, message: `${subject} ${custom ?? `must be ${typeNames(params['type'])}`}, got ${kindOf(e.data)}` };
    case 'pattern':
      return { path: p, message: `${subject} ${custom ?? `must match ${String(params['pattern'])}`}, got ${shortValue(e.data)}` };
    case 'enum':
      return { path: p, message: `${subject} must be one of ${(params['allowedValues'] as unknown[]).join(', ')}, got ${shortValue(e.data)}` };
    default:
      return { path: p, message: `${subject} ${e.message ?? 'is invalid'}` };
  }
}

/** `anyOf: [{required: [path]}, {required: [dest]}]` → [path, dest]. */
function requiredAlternatives(branches: unknown): string[] | undefined {
  if (!Array.isArray(branches)) return undefined;
  const names: string[] = [];
  for (const b of branches) {
    const keys = typeof b === 'object' && b !== null ? Object.keys(b) : [];
    const req = (b as { required?: unknown }).required;
    if (keys.length !== 1 || !Array.isArray(req)) return undefined;
    names.push(req.join(' and '));
  }
  return names;
}

const TYPE_NAMES: Record<string, string> = { string: 'a string', integer: 'a whole number', number: 'a number', boolean: 'a boolean', array: 'a list', object: 'a mapping', null: 'empty' };

function typeNames(t: unknown): string {
  const list = (Array.isArray(t) ? t : String(t).split(',')).map(String);
  // Text accepts numbers and booleans too (the engine turns them into text): call it a string.
  const shown = list.includes('string') ? list.filter((x) => x !== 'number' && x !== 'boolean') : list;
  const names = shown.map((x) => TYPE_NAMES[x] ?? x);
  return names.length > 1 ? `${names.slice(0, -1).join(', ')} or ${names.at(-1)}` : names[0] ?? 'valid';
}

function shortValue(v: unknown): string {
  const s = typeof v === 'string' ? v : JSON.stringify(v);
  return `'${s.length > 40 ? `${s.slice(0, 40)}…` : s}'`;
}
