import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { toText } from '../../src/expr/values.js';
import { HELPER_DOCS, JINJA_FILTER_HINTS, TemplateEngine } from '../../src/template/index.js';

const REQUIRED = [
  'default', 'join', 'lower', 'upper', 'to_json', 'to_nice_json', 'to_yaml', 'from_json', 'b64encode', 'b64decode',
  'basename', 'dirname', 'regex_replace', 'regex_search', 'length', 'first', 'last', 'int', 'bool', 'trim', 'replace',
  'split', 'quote', 'eq', 'ne', 'lt', 'gt', 'and', 'or', 'not', 'range', 'lookup', 'map_attr', 'select_attr', 'where',
  'unique', 'sort', 'ternary', 'mandatory', 'hash', 'defined',
];

describe('HELPER_DOCS', () => {
  it('documents every required helper once', () => {
    const names = HELPER_DOCS.map((d) => d.name);
    expect(new Set(names).size).toBe(names.length);
    for (const name of REQUIRED) expect(names).toContain(name);
  });

  it.each(HELPER_DOCS.map((d) => [d.name, d] as const))('%s: the example renders as documented', (_name, doc) => {
    const engine = new TemplateEngine();
    expect(toText(engine.renderString(doc.example, doc.vars ?? {}))).toBe(doc.output);
    // Inside a larger string too (the handlebars path, never the expression evaluator).
    expect(engine.renderString(`>${doc.example}<`, doc.vars ?? {})).toBe(`>${doc.output}<`);
  });

  it.each(HELPER_DOCS.map((d) => [d.name, d] as const))('%s: has a one-line summary and a usage', (_name, doc) => {
    expect(doc.summary).not.toContain('\n');
    expect(doc.summary.length).toBeGreaterThan(5);
    expect(doc.usage).toMatch(/^\{\{/);
  });
});

describe('docs/templates.md', () => {
  const md = readFileSync(new URL('../../docs/templates.md', import.meta.url), 'utf8');

  it.each(HELPER_DOCS.map((d) => [d.name, d] as const))('%s: is documented with its example and output', (name, doc) => {
    expect(md).toContain(`### \`${name}\``);
    expect(md).toContain(doc.example);
    expect(md).toContain(doc.output);
    if (doc.jinja) expect(md).toContain(doc.jinja.replace(/\|/g, '\\|'));
  });
});

describe('JINJA_FILTER_HINTS', () => {
  it('maps Jinja filters to helper calls', () => {
    expect(JINJA_FILTER_HINTS['default']).toBe('{{default value fallback}}');
    expect(JINJA_FILTER_HINTS['d']).toBe('{{default value fallback}}');
    expect(JINJA_FILTER_HINTS['join']).toBe('{{join list sep}}');
    expect(JINJA_FILTER_HINTS['map']).toBe('{{map_attr list "attribute"}}');
    expect(JINJA_FILTER_HINTS['selectattr']).toContain('select_attr');
    for (const hint of Object.values(JINJA_FILTER_HINTS)) expect(hint).toMatch(/^\{\{/);
  });
});
