/** Schema definitions for the modules: one `args_<name>` and one `module_<name>` each. */
import type { JsonSchema } from '../modules/types.js';
import { lenient } from './lenient.js';
import { ROLE_ARGS_SCHEMA } from '../modules/local-specs.js';

export interface ModuleSource {
  name: string;
  schema: JsonSchema;
  docs: { summary: string; example: string };
  freeForm?: string;
}

/** Resolved while loading, not run by the engine: not in the registry, but written like modules. */
export const STATIC_IMPORTS: ModuleSource[] = [
  {
    name: 'import_tasks',
    freeForm: 'file',
    schema: { type: 'object', properties: { file: { type: 'string', description: 'Tasks file, relative to this file; no variables (use include_tasks).' } }, required: ['file'], additionalProperties: false },
    docs: { summary: 'Insert the tasks of a file here, while loading (no loop; variables are not allowed in the name)', example: 'import_tasks: setup.yml' },
  },
  {
    name: 'import_role',
    schema: ROLE_ARGS_SCHEMA,
    docs: { summary: 'Insert a role here, while loading', example: 'import_role: { name: nginx }' },
  },
];

export const argsDef = (name: string) => `args_${name}`;
export const moduleDef = (name: string) => `module_${name}`;

/** Definitions for every module, sorted by name so the output does not depend on registry order. */
export function moduleDefinitions(modules: ModuleSource[]): Record<string, JsonSchema> {
  const defs: Record<string, JsonSchema> = {};
  for (const m of [...modules].sort((a, b) => a.name.localeCompare(b.name))) {
    const args = lenient(m.schema);
    defs[argsDef(m.name)] = args;
    // `debug:` alone is fine; `copy:` alone is not: null only where no argument is required.
    const nullable = !['required', 'anyOf', 'oneOf'].some((k) => k in m.schema);
    const str: JsonSchema = m.freeForm
      ? { type: 'string', description: `Free-form ${m.freeForm}, with optional key=value arguments.` }
      : { type: 'string', pattern: '=', description: 'Arguments as key=value words.', patternErrorMessage: 'must be a mapping of arguments or key=value words' };
    defs[moduleDef(m.name)] = {
      description: m.docs.summary,
      markdownDescription: `${m.docs.summary}\n\n\`\`\`yaml\n${m.docs.example}\n\`\`\``,
      anyOf: [{ $ref: `#/definitions/${argsDef(m.name)}` }, str, ...(nullable ? [{ type: 'null' }] : [])],
    };
  }
  return defs;
}

/** Task properties naming a module, in both `copy:` and `ansible.builtin.copy:` forms. */
export function moduleProperties(modules: ModuleSource[]): Record<string, JsonSchema> {
  const props: Record<string, JsonSchema> = {};
  const names = modules.map((m) => m.name).sort();
  for (const n of names) props[n] = { $ref: `#/definitions/${moduleDef(n)}` };
  for (const n of names) props[`ansible.builtin.${n}`] = { $ref: `#/definitions/${moduleDef(n)}` };
  return props;
}
