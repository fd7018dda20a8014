import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ansibleJson, inventoryGraph, inventoryList } from '../../src/inventory/export.js';
import { resolveHostVars } from '../../src/inventory/precedence.js';
import { UserError } from '../../src/model/source.js';
import { parseYamlInventory } from '../../src/inventory/yaml-inventory.js';
import { ansibleInventory, hasAnsible, tree } from './helpers.js';

const parse = (text: string) => parseYamlInventory(text, 'hosts.yml');
const errorOf = (text: string): string => {
  try {
    parse(text);
  } catch (e) {
    expect(e).toBeInstanceOf(UserError); // InventoryError, or the YAML loader's UserError
    return (e as Error).message;
  }
  throw new Error('expected an error');
};

const YAML = `all:
  vars:
    mode: 0644
    flag: yes
    short: y
    when: 2024-01-02
  hosts:
    solo:
  children:
    web:
      hosts:
        www[1:2].lan:
        '[::1]:2200':
        fe80::1:
      vars:
        tier: front
    prod:
      children:
        web:
        db:
          hosts:
            db1:
              ansible_host: 10.0.0.1
              tags: [a, b]
              nested: {k: {deep: 1}}
      vars:
        tier: any
`;

describe('YAML inventories', () => {
  const inv = parse(YAML);

  it('reads groups, children, hosts (null or a mapping), ranges and ports', () => {
    expect([...inv.hosts.keys()]).toEqual(['solo', 'www1.lan', 'www2.lan', '::1', 'fe80::1', 'db1']);
    expect(inv.groups.get('all')!.children).toEqual(['ungrouped', 'web', 'prod']);
    expect(inv.groups.get('prod')!.children).toEqual(['web', 'db']);
    expect(inv.groups.get('ungrouped')!.hosts).toEqual(['solo']); // hosts directly under all
    expect(inv.hosts.get('::1')!.vars).toEqual({ ansible_port: 2200 });
    expect([...inv.hosts.get('www1.lan')!.groups].sort()).toEqual(['all', 'prod', 'web']);
  });

  it('keeps YAML 1.1 types, as PyYAML reads them, and lets the deeper group win', () => {
    expect(resolveHostVars(inv, 'www1.lan')).toEqual({ mode: 420, flag: true, short: 'y', when: '2024-01-02', tier: 'front' });
    expect(resolveHostVars(inv, 'db1')).toMatchObject({ tier: 'any', tags: ['a', 'b'], nested: { k: { deep: 1 } } });
  });

  it('prints what ansible-inventory prints (recorded from ansible-core 2.14.18)', () => {
    expect(inventoryGraph(inv)).toBe(`@all:
  |--@ungrouped:
  |  |--solo
  |--@web:
  |  |--www1.lan
  |  |--www2.lan
  |  |--::1
  |  |--fe80::1
  |--@prod:
  |  |--@web:
  |  |  |--www1.lan
  |  |  |--www2.lan
  |  |  |--::1
  |  |  |--fe80::1
  |  |--@db:
  |  |  |--db1`);
    const list = inventoryList(inv) as Record<string, unknown>;
    expect(list['web']).toEqual({ hosts: ['www1.lan', 'www2.lan', '::1', 'fe80::1'] });
    expect(list['prod']).toEqual({ children: ['web', 'db'] });
    expect(list['all']).toEqual({ children: ['ungrouped', 'web', 'prod'] });
  });

  it.runIf(hasAnsible())('agrees with the installed ansible-inventory', () => {
    const dir = tree({ 'hosts.yml': YAML });
    expect(ansibleJson(inventoryList(inv)) + '\n').toBe(ansibleInventory(['-i', join(dir, 'hosts.yml'), '--list']));
    expect(inventoryGraph(inv) + '\n').toBe(ansibleInventory(['-i', join(dir, 'hosts.yml'), '--graph']));
  });

  it('reads numbers as PyYAML does: a float needs a dot and a signed exponent, no leading zero in a decimal', () => {
    // Each value as ansible-inventory 2.14.18 (PyYAML) lists it.
    const words: [string, unknown][] = [
      ['7e10', '7e10'], ['1e400', '1e400'], ['08', '08'], ['09', '09'], ['1e3', '1e3'], ['1.0e3', '1.0e3'],
      ['1.0e+3', 1000], ['1.5e-2', 0.015], ['1.5', 1.5], ['.5', 0.5], ['-.5', '-.5'], ['1.', 1], ['.', '.'],
      ['0', 0], ['+12', 12], ['1_000', 1000], ['0x1F', 31], ['0644', 420],
    ];
    const text = `all:\n  hosts:\n    h1:\n${words.map(([w], i) => `      v${i}: ${w}\n`).join('')}`;
    const vars = resolveHostVars(parse(text), 'h1');
    expect(words.map(([w], i) => [w, vars[`v${i}`]])).toEqual(words);
    if (hasAnsible()) {
      const listed = JSON.parse(ansibleInventory(['-i', join(tree({ 'hosts.yml': text }), 'hosts.yml'), '--list'])) as { _meta: { hostvars: { h1: Record<string, unknown> } } };
      expect(words.map(([w], i) => [w, listed._meta.hostvars.h1[`v${i}`]])).toEqual(words);
    }
  });

  it('accepts empty groups, empty sections and top-level groups besides all', () => {
    const i = parse('web:\ndb:\n  hosts:\n  vars:\n  children:\nall:\n  children:\n    web:\n');
    expect(i.groups.get('all')!.children).toEqual(['ungrouped', 'web', 'db']);
  });

  it('refuses wrong shapes with the line and column, where Ansible would warn and skip', () => {
    expect(errorOf('web:\n  hosts:\n    - node1\n')).toBe(
      "hosts.yml:2:3: 'hosts' of group 'web' must be a mapping with one key per host ('name:' on its own line, indented under hosts:), got a list",
    );
    expect(errorOf('web:\n  hosts: node1\n')).toBe(
      "hosts.yml:2:3: 'hosts' of group 'web' must be a mapping with one key per host ('node1:' on its own line, indented under hosts:), got the string 'node1'",
    );
    expect(errorOf('web:\n  hosts:\n    n1: [1]\n')).toBe("hosts.yml:3:5: host 'n1' in group 'web' must be empty or a mapping of variables, got a list");
    expect(errorOf('web:\n  vars: [1]\n')).toBe("hosts.yml:2:3: 'vars' of group 'web' must be a mapping of names to values, got a list");
    expect(errorOf('web:\n  vars: x=1\n')).toMatch(/^hosts.yml:2:3: 'vars' of group 'web' must be a mapping of names to values, got the string 'x=1'$/);
    expect(errorOf('web:\n  children: db\n')).toMatch(/^hosts.yml:2:3: 'children' of group 'web' must be a mapping with one key per group/);
    expect(errorOf('web:\n  hostz:\n    n1:\n')).toBe("hosts.yml:2:3: unknown key 'hostz' in group 'web'; did you mean 'hosts'? (a group has hosts, children and vars)");
    expect(errorOf('web:\n  ansible_host: 1.2.3.4\n')).toBe("hosts.yml:2:3: unknown key 'ansible_host' in group 'web' (a group has hosts, children and vars)");
    expect(errorOf('web: [1]\n')).toBe("hosts.yml:1:1: group 'web' must be empty or a mapping with hosts, children or vars, got a list");
    expect(errorOf('all:\n  children:\n    web: 3\n')).toBe("hosts.yml:3:5: group 'web' (all > web) must be empty or a mapping with hosts, children or vars, got a number (3)");
    expect(errorOf('- web\n')).toBe('hosts.yml:1:1: a YAML inventory is a mapping of group names (all:, web:, …), got a list');
    expect(errorOf('just a string\n')).toBe("hosts.yml:1:1: a YAML inventory is a mapping of group names (all:, web:, …), got the string 'just a string'");
    expect(errorOf('plugin: aws_ec2\n')).toMatch(/^hosts.yml:1:1: inventory plugin configurations \(plugin:\) are not supported/);
  });

  it('refuses loops, bad ranges and bad ports at the key', () => {
    expect(errorOf('web:\n  children:\n    web:\n')).toBe("hosts.yml:3:5: group 'web' cannot be a child of itself");
    expect(errorOf('a:\n  children:\n    b:\n      children:\n        a:\n')).toBe("hosts.yml:3:5: adding group 'b' as a child of 'a' creates a loop");
    expect(errorOf('a:\n  children:\n    all:\n')).toMatch(/^hosts.yml:3:5: group 'all' cannot be a child of 'a'/);
    expect(errorOf('web:\n  hosts:\n    n[3:1]:\n')).toBe("hosts.yml:3:6: bad host range '[3:1]': begin must be <= end");
    expect(errorOf('web:\n  hosts:\n    n1:http:\n')).toMatch(/^hosts.yml:3:\d+: invalid port 'http'$/);
    expect(errorOf('web:\n  vars:\n    ansible_group_priority: high\n')).toBe("hosts.yml:3:5: ansible_group_priority must be a whole number, got 'high'");
  });

  it('reports malformed YAML and duplicate keys with a position', () => {
    expect(errorOf('web:\n  hosts:\n   a: {\n')).toMatch(/^hosts.yml:\d+:\d+: YAML syntax error: /);
    expect(errorOf('web:\n\thosts:\n')).toMatch(/^hosts.yml:2:\d+: YAML syntax error: /);
    // At the duplicate key itself, even when the value before it is empty.
    expect(errorOf('web:\n  hosts:\n    a:\n    a:\n')).toBe('hosts.yml:4:5: YAML syntax error: Map keys must be unique');
    expect(errorOf('all:\n  hosts:\n    h1:\n    h2:\n    h1:\n')).toBe('hosts.yml:5:5: YAML syntax error: Map keys must be unique');
    expect(errorOf('web:\n  vars: {x: 1, x: 2}\n')).toBe('hosts.yml:2:16: YAML syntax error: Map keys must be unique');
  });

  it('reads an empty file as an empty inventory, with a warning', () => {
    const i = parse('');
    expect([...i.hosts.keys()]).toEqual([]);
    expect([...i.groups.keys()]).toEqual(['all', 'ungrouped']);
    expect(parse('# only a comment\n').hosts.size).toBe(0);
  });

  it('treats __proto__ and constructor as ordinary group, host and variable names', () => {
    const i = parse(`__proto__:
  hosts:
    constructor:
      __proto__: {polluted: 1}
      constructor: 2
  vars:
    __proto__: 3
    toString: 4
constructor:
  children:
    __proto__:
`);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.prototype.hasOwnProperty.call(Object.prototype, 'polluted')).toBe(false);
    expect(i.groups.get('__proto__')!.hosts).toEqual(['constructor']);
    expect(i.groups.get('constructor')!.children).toEqual(['__proto__']);
    const vars = resolveHostVars(i, 'constructor');
    expect(Object.keys(vars).sort()).toEqual(['__proto__', 'constructor', 'toString']);
    expect(Object.getOwnPropertyDescriptor(vars, '__proto__')!.value).toEqual({ polluted: 1 });
    expect(Object.getPrototypeOf(vars)).toBe(Object.prototype);
    expect(JSON.parse(ansibleJson(inventoryList(i)))._meta.hostvars.constructor.constructor).toBe(2);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('refuses a binary file', () => {
    const dir = tree({});
    const file = join(dir, 'bin.yml');
    writeFileSync(file, Buffer.from([0x61, 0x3a, 0x0a, 0x00, 0xff]));
    expect(() => parseYamlInventory(Buffer.from([0x61, 0x3a, 0x0a, 0x00, 0xff]), 'bin.yml')).toThrow('bin.yml:1:1: binary file (contains NUL bytes), expected YAML text');
  });
});

describe('YAML inventories: hostile shapes', () => {
  it('refuses a group that includes itself through an alias, without a stack overflow', () => {
    expect(() => parseYamlInventory('a: &a\n  children:\n    b: *a\n', 'loop.yml')).toThrow(/loop.yml:\d+:\d+: groups nested more than 100 levels deep \(a > b > b > …\)/);
  });
});
