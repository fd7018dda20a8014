// `discover:` in YAML inventories, and the oasis_* inventory values discovery checks before any
// connection: a bad one is reported once, at its file:line:col, exit 5.
import { describe, expect, test } from 'vitest';
import { candidatesFrom } from '../../src/discovery/candidates.js';
import { discoverNodes } from '../../src/discovery/discover.js';
import { inventoryList } from '../../src/inventory/export.js';
import { parseIniInventory } from '../../src/inventory/ini.js';
import { parseYamlInventory } from '../../src/inventory/yaml-inventory.js';
import { UserError } from '../../src/model/source.js';

/** The UserError `f` throws. */
function thrown(f: () => unknown): UserError {
  try {
    f();
  } catch (e) {
    if (e instanceof UserError) return e;
    throw e;
  }
  throw new Error('did not throw');
}

describe('discover: in a YAML inventory', () => {
  const yaml = [
    'scan:',
    '  discover: [127.0.77.0/30, 127.0.77.9]',
    '  hosts:',
    '    h1: { ansible_host: 127.0.77.1 }',
    '  vars:',
    '    ansible_user: pi',
    '',
  ].join('\n');

  test('means what oasis_discover means: range addresses probed with the group\'s vars, inventory hosts not twice', () => {
    const cs = candidatesFrom(parseYamlInventory(yaml, 'scan.yml'));
    expect(cs.map((c) => [c.name, c.origin.kind])).toEqual([
      ['h1', 'inventory'],
      ['127.0.77.2', 'range'],
      ['127.0.77.9', 'range'],
    ]);
    expect(cs[1]).toMatchObject({ vars: { ansible_user: 'pi', ansible_host: '127.0.77.2' }, origin: { group: 'scan', range: '127.0.77.0/30' } });
  });

  test('is not a variable: inventory --list shows the group as without it', () => {
    const list = inventoryList(parseYamlInventory(yaml, 'scan.yml'));
    expect(JSON.stringify(list)).not.toMatch(/discover/);
    expect((list._meta as { hostvars: Record<string, unknown> }).hostvars.h1).toEqual({ ansible_host: '127.0.77.1', ansible_user: 'pi' });
  });

  test('a value that is not a list is refused at load, at its position', () => {
    expect(() => parseYamlInventory('scan:\n  discover: 127.0.77.0/30\n', 'scan.yml')).toThrow(/^scan\.yml:2:3: 'discover' of group 'scan' must be a list of IPv4 ranges/);
  });
});

describe('bad oasis_* values: one error at the position of the value, exit 5', () => {
  const cases: [string, string, RegExp][] = [
    ['a /33 in discover', 'scan:\n  discover:\n    - 127.0.77.0/30\n    - 127.0.77.0/33\n', /^scan\.yml:4:7: inventory group 'scan': discover: '127\.0\.77\.0\/33' is not an IPv4 range/],
    ['a /8 in oasis_discover', 'scan:\n  vars:\n    ansible_user: pi\n    oasis_discover: [10.0.0.0/8]\n', /^scan\.yml:4:5: inventory group 'scan': oasis_discover: range 10\.0\.0\.0\/8 has 16777216 addresses/],
    ['oasis_discover not a list', 'scan:\n  vars:\n    oasis_discover: 5\n', /^scan\.yml:3:5: inventory group 'scan': oasis_discover must be a list/],
    ['too many addresses in all', 'a:\n  discover: [10.0.0.0/20]\nb:\n  discover: [10.1.0.0/29]\n', /^scan\.yml:4:14: inventory: the discover ranges have more than 4096/],
    ['invalid oasis_metadata', 'all:\n  hosts:\n    m1:\n      ansible_host: 10.0.0.1\n      oasis_metadata: { load: { load1: high } }\n', /^scan\.yml:5:7: inventory host 'm1': oasis_metadata does not match .*\/load\/load1: must be number/],
    ['oasis_metadata of a group', 'web:\n  hosts: { m1: }\n  vars:\n    oasis_metadata: [1]\n', /^scan\.yml:4:5: inventory host 'm1': oasis_metadata must be a mapping/],
    ['a relative oasis_metadata_file', 'all:\n  hosts:\n    n1:\n      oasis_metadata_file: meta.json\n', /^scan\.yml:4:7: inventory host 'n1': oasis_metadata_file: metadata file 'meta\.json' must be absolute or start with ~\//],
    ['a relative oasis_metadata_file for a range', 'scan:\n  discover: [10.0.0.1]\n  vars: { oasis_metadata_file: meta.json }\n', /^scan\.yml:3:11: inventory host '10\.0\.0\.1': oasis_metadata_file: .* must be absolute/],
  ];
  test.each(cases)('%s', (_, text, message) => {
    const e = thrown(() => candidatesFrom(parseYamlInventory(text, 'scan.yml')));
    expect(e.message).toMatch(message);
    expect(e.exitCode).toBe(5);
  });

  test('the winning layer is the one named: a host var over its group\'s', () => {
    const text = 'web:\n  hosts:\n    n1:\n      oasis_metadata_file: rel.json\n  vars:\n    oasis_metadata_file: /ok.json\n';
    expect(thrown(() => candidatesFrom(parseYamlInventory(text, 'inv.yml'))).message).toMatch(/^inv\.yml:4:7: .*'rel\.json'/);
  });

  test('from an INI file (no positions kept): the file is named', () => {
    const inv = parseIniInventory('[g]\nn1 oasis_metadata_file=meta.json\n', 'hosts.ini');
    const e = thrown(() => candidatesFrom(inv));
    expect(e.message).toBe("hosts.ini: inventory host 'n1': oasis_metadata_file: metadata file 'meta.json' must be absolute or start with ~/");
    expect(e.exitCode).toBe(5);
  });

  test('checked before any connection: discovery fails as a whole, no node is shown down', async () => {
    const inv = parseYamlInventory('all:\n  hosts:\n    n1: { ansible_host: 127.0.0.1, ansible_port: 1, oasis_metadata_file: meta.json }\n', 'inv.yml');
    await expect(discoverNodes(inv, { hostKeyChecking: 'yes', connectTimeoutMs: 500 })).rejects.toThrow(/^inv\.yml:3:53: .*oasis_metadata_file/);
  });
});
