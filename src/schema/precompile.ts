/**
 * Build step (`npm run build`, after tsc): writes the ajv standalone code of every validator
 * that `run` and `validate` use, so that they need not compile schemas at start-up.
 */
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Ajv, type Options } from 'ajv';
import standaloneModule from 'ajv/dist/standalone/index.js';

// A CommonJS module seen from ESM: its default export is the module object.
const standaloneCode = (standaloneModule as unknown as { default: typeof standaloneModule.default }).default;
import { checkerAjvOptions, checkerSchemas, CHECKER_VALIDATORS_FILE } from '../validate/schema-check.js';
import { ARGS_AJV_OPTIONS, ARGS_VALIDATORS_FILE, REMOTE_MODULES } from '../modules/registry.js';
import { LOCAL_MODULES } from '../modules/local-specs.js';
import { argsDef } from './modules.js';
import { precompiledPath } from './precompiled.js';

function standalone(options: Options, add: (ajv: Ajv) => Record<string, string>): string {
  const ajv = new Ajv({ ...options, code: { source: true } });
  const exportsToKeys = add(ajv);
  return standaloneCode(ajv, exportsToKeys);
}

/**
 * The schema checker's validators that validate uses (src/validate: whole inventory and
 * service files; the playbook's play, block, task, vars, role meta, import and module
 * arguments). Any other is compiled at run time when asked for.
 */
export function checkerSource(): string {
  const USED = new Set(['play', 'block', 'task', 'vars', 'role_meta', 'import_playbook']);
  return standalone(checkerAjvOptions(), (ajv) => {
    const keys: Record<string, string> = {};
    for (const schema of checkerSchemas()) {
      ajv.addSchema(schema);
      const id = String(schema['$id']);
      if (id.endsWith('/inventory.schema.json') || id.endsWith('/service.schema.json')) keys[id] = id;
      if (!id.endsWith('/playbook.schema.json')) continue;
      for (const def of Object.keys((schema['definitions'] ?? {}) as object)) {
        if (USED.has(def) || def === argsDef(def.slice('args_'.length))) keys[`${id}#/definitions/${def}`] = `${id}#/definitions/${def}`;
      }
    }
    return keys;
  });
}

/** Module argument validators, by module name. */
export function argsSource(): string {
  return standalone(ARGS_AJV_OPTIONS, (ajv) => {
    const keys: Record<string, string> = {};
    for (const def of [...REMOTE_MODULES, ...LOCAL_MODULES]) {
      ajv.addSchema(def.schema, `module:${def.name}`);
      keys[def.name] = `module:${def.name}`;
    }
    return keys;
  });
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  writeFileSync(precompiledPath(CHECKER_VALIDATORS_FILE), checkerSource());
  writeFileSync(precompiledPath(ARGS_VALIDATORS_FILE), argsSource());
}
