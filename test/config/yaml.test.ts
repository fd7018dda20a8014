import { describe, expect, it } from 'vitest';
import { parseYaml } from '../../src/config/yaml.js';

function errorOf(text: string): string {
  try {
    parseYaml(text, 'site.yml');
  } catch (e) {
    return (e as Error).message;
  }
  throw new Error('expected a YAML error');
}

describe('duplicate keys', () => {
  it('are reported at the duplicate key, also after an empty value', () => {
    expect(errorOf('- debug:\n  debug:\n')).toBe('site.yml:2:3: YAML syntax error: Map keys must be unique');
    expect(errorOf('- hosts: all\n  tasks:\n    - debug:\n      debug:\n')).toBe('site.yml:4:7: YAML syntax error: Map keys must be unique');
    expect(errorOf('a: 1\nb:\n  c: 2\na: 3\n')).toBe('site.yml:4:1: YAML syntax error: Map keys must be unique');
    expect(errorOf('a:\n  x:\n  y: {p: 1, p: 2}\n')).toBe('site.yml:3:13: YAML syntax error: Map keys must be unique');
  });
});
