import type { Ajv, Options, ValidateFunction } from 'ajv';
import { ajvClass } from '../schema/ajv-on-demand.js';
import { loadPrecompiled } from '../schema/precompiled.js';
import type { ModuleCatalog, ModuleInfo } from './catalog.js';
import { LOCAL_MODULES, type LocalModuleSpec } from './local-specs.js';
import type { RemoteModule } from './types.js';
import { command } from './command.js';
import { shell } from './shell.js';
import { waitFor } from './wait_for.js';
import { copy } from './copy.js';
import { template } from './template.js';
import { file } from './file.js';
import { stat } from './stat.js';
import { lineinfile } from './lineinfile.js';
import { blockinfile } from './blockinfile.js';
import { replace } from './replace.js';
import { apt } from './apt.js';
import { pkg } from './package.js';
import { service } from './service.js';

export type ModuleDef = RemoteModule | LocalModuleSpec;

export const REMOTE_MODULES: RemoteModule[] = [command, shell, waitFor, copy, template, file, stat, lineinfile, blockinfile, replace, apt, pkg, service];

// validateSchema off: the schemas are our own, fixed ones; checking each against the
// meta-schema cost ~5 ms of CPU per module per run, more than compiling it.
export const ARGS_AJV_OPTIONS: Options = { allErrors: true, strict: false, coerceTypes: true, useDefaults: false, validateSchema: false };

/** Written by the build (src/schema/precompile.ts), relative to dist/. */
export const ARGS_VALIDATORS_FILE = 'modules/precompiled-args.cjs';

/** The modules of one run, with their argument validators compiled once (or at build time). */
export class ModuleRegistry implements ModuleCatalog {
  private readonly defs = new Map<string, ModuleDef>();
  private readonly validators = new Map<string, ValidateFunction>();
  private ajv: Ajv | undefined;

  /** The built-in modules use the build's precompiled validators when there are any; given ones are compiled. */
  constructor(defs?: ModuleDef[]) {
    for (const d of defs ?? [...REMOTE_MODULES, ...LOCAL_MODULES]) this.defs.set(d.name, d);
    const built = defs ? undefined : loadPrecompiled(ARGS_VALIDATORS_FILE);
    for (const [name, v] of Object.entries(built ?? {})) this.validators.set(name, v);
  }

  get(name: string): ModuleDef | undefined {
    return this.defs.get(name);
  }

  lookup(name: string): ModuleInfo | undefined {
    const d = this.defs.get(name);
    if (!d) return undefined;
    const props = (d.schema['properties'] ?? {}) as Record<string, unknown>;
    return { name: d.name, freeForm: d.freeForm, params: new Set(Object.keys(props)), closedParams: d.schema['additionalProperties'] === false };
  }

  names(): string[] {
    return [...this.defs.keys()];
  }

  all(): ModuleDef[] {
    return [...this.defs.values()];
  }

  /**
   * Checks and coerces rendered arguments in place ("yes" → true, "8080" → 8080 where the
   * schema says so). Returns a message listing every problem, or undefined when valid.
   */
  check(name: string, args: Record<string, unknown>): string | undefined {
    const def = this.defs.get(name);
    if (!def) return `unknown module '${name}'`;
    let validate = this.validators.get(name);
    if (!validate) {
      this.ajv ??= new (ajvClass())(ARGS_AJV_OPTIONS);
      validate = this.ajv.compile(def.schema);
      this.validators.set(name, validate);
    }
    coerceScalars(def.schema, args);
    if (validate(args)) return undefined;
    return (validate.errors ?? [])
      .map((e) => {
        const where = e.instancePath ? `'${e.instancePath.slice(1).replace(/\//g, '.')}' ` : '';
        if (e.keyword === 'additionalProperties') return `unsupported parameter '${(e.params as { additionalProperty: string }).additionalProperty}'`;
        if (e.keyword === 'required') return `missing required parameter '${(e.params as { missingProperty: string }).missingProperty}'`;
        if (e.keyword === 'enum') return `${where}must be one of ${((e.params as { allowedValues: unknown[] }).allowedValues).join(', ')}`;
        return `${where}${e.message ?? 'is invalid'}`;
      })
      .join('; ');
  }
}

// Ansible's booleans accept yes/no/on/off/1/0 in any case; ajv's coercion knows only true/false.
const BOOL_WORDS: Record<string, boolean> = { yes: true, on: true, '1': true, y: true, true: true, no: false, off: false, '0': false, n: false, false: false };
/** Ansible's own conversions, where ajv's differ: boolean words, and a boolean given for a string is Python's `True`/`False`. */
function coerceScalars(schema: Record<string, unknown>, args: Record<string, unknown>): void {
  const props = (schema['properties'] ?? {}) as Record<string, { type?: unknown }>;
  for (const [k, p] of Object.entries(props)) {
    const v = args[k];
    if (p && p.type === 'boolean' && typeof v === 'string' && v.toLowerCase() in BOOL_WORDS) args[k] = BOOL_WORDS[v.toLowerCase()];
    if (p && p.type === 'string' && typeof v === 'boolean') args[k] = v ? 'True' : 'False';
  }
}
