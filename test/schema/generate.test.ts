import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Ajv } from 'ajv';
import { describe, expect, it } from 'vitest';
import { generateSchemas, SCHEMA_FILES, schemaText, writeSchemas } from '../../src/schema/generate.js';
import { BLOCK_KEYWORDS, PLAY_KEYWORDS, TASK_KEYWORDS } from '../../src/schema/keywords.js';
import { loadPlaybook } from '../../src/config/playbook-loader.js';
import { ModuleRegistry } from '../../src/modules/registry.js';

const SCHEMAS = new URL('../../schemas/', import.meta.url).pathname;

describe('generated schemas', () => {
  it('are deterministic and equal the committed files (run `oasis-play schema` after changing a module)', () => {
    const a = generateSchemas();
    const b = generateSchemas();
    for (const f of SCHEMA_FILES) {
      expect(schemaText(a[f])).toBe(schemaText(b[f]));
      expect(readFileSync(join(SCHEMAS, f), 'utf8'), `schemas/${f} differs from a fresh generation`).toBe(schemaText(a[f]));
    }
  });

  it('are valid draft-07 schemas that ajv compiles', () => {
    const ajv = new Ajv({ strict: false });
    for (const [f, s] of Object.entries(generateSchemas())) {
      expect(ajv.validateSchema(s), `${f}: ${JSON.stringify(ajv.errors)}`).toBe(true);
      expect(() => new Ajv({ strict: false }).compile(s)).not.toThrow();
    }
  });

  it('name every module in both forms, with free-form strings, and the imports and includes', () => {
    const pb = generateSchemas()['playbook.schema.json'] as { definitions: Record<string, any> };
    const task = pb.definitions['task'].properties as Record<string, unknown>;
    for (const name of [...new ModuleRegistry().names(), 'import_tasks', 'import_role']) {
      expect(task[name], name).toEqual({ $ref: `#/definitions/module_${name}` });
      expect(task[`ansible.builtin.${name}`], name).toEqual({ $ref: `#/definitions/module_${name}` });
    }
    expect(pb.definitions['module_command'].anyOf[1].description).toMatch(/^Free-form cmd/);
    expect(pb.definitions['module_copy'].anyOf[1]).toMatchObject({ type: 'string', pattern: '=' });
    // Values may be templates or the strings the engine coerces.
    expect(pb.definitions['args_copy'].properties.backup.type).toEqual(['boolean', 'string']);
    expect(pb.definitions['args_file'].properties.state.examples).toContain('directory');
  });

  it('validate real playbooks and refuse typos (as an editor would)', () => {
    const ajv = new Ajv({ strict: false, allErrors: true });
    const validate = ajv.compile(generateSchemas()['playbook.schema.json']);
    const ok = [{ hosts: 'all', tasks: [{ name: 'x', copy: { dest: '/x', content: '{{ y }}', backup: 'yes' } }, { block: [{ command: 'ls -l' }], rescue: [{ debug: null }] }] }, { import_playbook: 'other.yml' }];
    expect(validate(ok), JSON.stringify(validate.errors)).toBe(true);
    expect(validate([{ hosts: 'all', tasks: [{ copy: { dest: '/x', content: 'a', mdoe: '0644' } }] }])).toBe(false);
    expect(validate([{ hosts: 'all', tasks: [{ cpy: { dest: '/x' } }] }])).toBe(false);
    expect(validate([{ hosts: 'all', gather_fact: true }])).toBe(false);
  });

  it('list only keywords the playbook loader accepts', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'oasis-schema-'));
    const check = async (yaml: string) => {
      const file = join(dir, 'pb.yml');
      writeFileSync(file, yaml);
      try {
        await loadPlaybook(file, new ModuleRegistry());
      } catch (e) {
        expect((e as Error).message).not.toMatch(/unknown .*keyword|cannot be used/);
      }
    };
    for (const k of Object.keys(PLAY_KEYWORDS)) await check(`- hosts: all\n  ${k === 'hosts' ? 'name' : k}: ~\n`);
    for (const k of Object.keys(BLOCK_KEYWORDS)) await check(`- hosts: all\n  tasks:\n    - block: []\n      ${k === 'block' ? 'name' : k}: ~\n`);
    for (const k of Object.keys(TASK_KEYWORDS)) await check(`- hosts: all\n  tasks:\n    - debug: {}\n      ${k}: ~\n`);
  });

  it('`oasis-play schema --out DIR` writes them', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'oasis-schema-out-'));
    const written = await writeSchemas(dir);
    expect(written.map((p) => p.slice(dir.length + 1))).toEqual([...SCHEMA_FILES, 'node-metadata.schema.json']);
    expect(readFileSync(join(dir, 'node-metadata.schema.json'), 'utf8')).toBe(readFileSync(join(SCHEMAS, 'node-metadata.schema.json'), 'utf8'));
    expect(readFileSync(join(dir, 'service.schema.json'), 'utf8')).toBe(readFileSync(join(SCHEMAS, 'service.schema.json'), 'utf8'));
  });
});
