/**
 * The JSON Schemas of playbooks, task files, inventories and service manifests, generated from
 * the module definitions and keyword tables, so they cannot drift from what the loader accepts.
 * `oasis-play schema` writes them; `oasis-play validate` checks files against them.
 */
import { copyFile, mkdir, writeFile } from 'node:fs/promises';
import { basename, join, resolve } from 'node:path';
import { METADATA_SCHEMA_FILE } from './metadata-file.js';
import { LOCAL_MODULES } from '../modules/local-specs.js';
import { REMOTE_MODULES } from '../modules/registry.js';
import type { JsonSchema } from '../modules/types.js';
import { DRAFT, ID_BASE } from './fragments.js';
import { inventorySchema } from './inventory.js';
import { BLOCK_KEYWORDS, IMPORT_PLAYBOOK, LOOP_CONTROL, PLAY_KEYWORDS, ROLE_ENTRY, ROLE_META, TASK_KEYWORDS, VARS } from './keywords.js';
import { moduleDefinitions, moduleProperties, STATIC_IMPORTS, type ModuleSource } from './modules.js';
import { serviceSchema } from './service.js';

export const SCHEMA_FILES = ['playbook.schema.json', 'tasks.schema.json', 'inventory.schema.json', 'service.schema.json'] as const;
export type SchemaFile = (typeof SCHEMA_FILES)[number];

export function defaultModules(): ModuleSource[] {
  return [...REMOTE_MODULES, ...LOCAL_MODULES, ...STATIC_IMPORTS];
}

/** Definitions shared by playbooks and task files: items, blocks, tasks and module arguments. */
function taskDefinitions(modules: ModuleSource[]): Record<string, JsonSchema> {
  return {
    // A mapping with `block:` is a block; anything else is a task.
    item: { type: 'object', if: { required: ['block'] }, then: { $ref: '#/definitions/block' }, else: { $ref: '#/definitions/task' } },
    block: { type: 'object', properties: BLOCK_KEYWORDS, required: ['block'], additionalProperties: false },
    task: { type: 'object', properties: { ...TASK_KEYWORDS, ...moduleProperties(modules) }, additionalProperties: false },
    loop_control: LOOP_CONTROL,
    vars: VARS,
    role_entry: ROLE_ENTRY,
    ...moduleDefinitions(modules),
  };
}

export function playbookSchema(modules: ModuleSource[] = defaultModules()): JsonSchema {
  const isImport = { anyOf: [{ required: ['import_playbook'] }, { required: ['ansible.builtin.import_playbook'] }] };
  return {
    $schema: DRAFT,
    $id: `${ID_BASE}playbook.schema.json`,
    title: 'oasis-play playbook',
    description: 'A list of plays (or import_playbook entries).',
    type: 'array',
    items: { $ref: '#/definitions/play_entry' },
    definitions: {
      play_entry: { type: 'object', if: isImport, then: { $ref: '#/definitions/import_playbook' }, else: { $ref: '#/definitions/play' } },
      play: { type: 'object', properties: PLAY_KEYWORDS, required: ['hosts'], additionalProperties: false },
      import_playbook: IMPORT_PLAYBOOK,
      role_meta: ROLE_META,
      ...taskDefinitions(modules),
    },
  };
}

export function tasksSchema(modules: ModuleSource[] = defaultModules()): JsonSchema {
  return {
    $schema: DRAFT,
    $id: `${ID_BASE}tasks.schema.json`,
    title: 'oasis-play tasks file (roles/*/tasks, roles/*/handlers, import_tasks, include_tasks)',
    type: ['array', 'null'],
    items: { $ref: '#/definitions/item' },
    definitions: taskDefinitions(modules),
  };
}

/** Every schema by file name; the same input always gives byte-identical output. */
export function generateSchemas(modules: ModuleSource[] = defaultModules()): Record<SchemaFile, JsonSchema> {
  return {
    'playbook.schema.json': playbookSchema(modules),
    'tasks.schema.json': tasksSchema(modules),
    'inventory.schema.json': inventorySchema(),
    'service.schema.json': serviceSchema(),
  };
}

export function schemaText(schema: JsonSchema): string {
  return `${JSON.stringify(schema, null, 2)}\n`;
}

/** Writes every schema into `dir`, the node metadata one too; returns the paths written. */
export async function writeSchemas(dir: string): Promise<string[]> {
  await mkdir(dir, { recursive: true });
  const written: string[] = [];
  for (const [name, schema] of Object.entries(generateSchemas())) {
    const path = join(dir, name);
    await writeFile(path, schemaText(schema));
    written.push(path);
  }
  const metadata = join(dir, basename(METADATA_SCHEMA_FILE));
  if (resolve(metadata) !== METADATA_SCHEMA_FILE) await copyFile(METADATA_SCHEMA_FILE, metadata);
  written.push(metadata);
  return written;
}
