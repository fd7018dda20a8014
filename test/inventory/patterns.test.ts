import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseIniInventory } from '../../src/inventory/ini.js';
import { expandLimit, matchHosts, selectHosts, splitHostPattern } from '../../src/inventory/patterns.js';
import { fnmatchRegExp } from '../../src/inventory/fnmatch.js';
import { ansiblePatterns, hasAnsible } from './helpers.js';

const INI = `loose1
[web]
web-1
web-2
node3
[db]
db1
node3
[prod:children]
web
[prod]
p1
[nodes]
node[1:5]
[all:vars]
x=1
`;
const inv = parseIniInventory(INI, 'pat.ini');

// [pattern, hosts in order] as `ansible -i pat.ini PATTERN --list-hosts` (ansible-core 2.14.18)
// prints them. The order of `all` is Ansible's: group by group, breadth first, not file order.
const TABLE: [string, string[]][] = [
  ['all', ['loose1', 'db1', 'node3', 'p1', 'node1', 'node2', 'node4', 'node5', 'web-1', 'web-2']],
  ['*', ['loose1', 'db1', 'node3', 'p1', 'node1', 'node2', 'node4', 'node5', 'web-1', 'web-2']],
  ['web', ['web-1', 'web-2', 'node3']],
  ['web:db', ['web-1', 'web-2', 'node3', 'db1']],
  ['web,db', ['web-1', 'web-2', 'node3', 'db1']],
  ['web db', ['web-1', 'web-2', 'node3', 'db1']],
  ['web:&prod', ['web-1', 'web-2', 'node3']],
  ['web:!node3', ['web-1', 'web-2']],
  ['prod:&nodes', ['node3']],
  ['web:&prod:!node3', ['web-1', 'web-2']],
  ['all:!ungrouped', ['db1', 'node3', 'p1', 'node1', 'node2', 'node4', 'node5', 'web-1', 'web-2']],
  ['&web', ['node3', 'web-1', 'web-2']], // only & and ! terms: they apply to all
  ['!web', ['loose1', 'db1', 'p1', 'node1', 'node2', 'node4', 'node5']],
  ['node*', ['node1', 'node2', 'node3', 'node4', 'node5']],
  ['web-?', ['web-1', 'web-2']],
  ['[ab]*', ['loose1', 'db1', 'node3', 'p1', 'node1', 'node2', 'node4', 'node5', 'web-1', 'web-2']], // matches the group 'all'
  ['[!a]*', ['loose1', 'web-1', 'web-2', 'node3', 'db1', 'p1', 'node1', 'node2', 'node4', 'node5']],
  ['al*', ['loose1', 'db1', 'node3', 'p1', 'node1', 'node2', 'node4', 'node5', 'web-1', 'web-2']],
  ['Web', []], // case-sensitive
  ['~node[12]', ['node1', 'node2']],
  ['~^no', ['node1', 'node2', 'node3', 'node4', 'node5']],
  ['~web|db', ['web-1', 'web-2', 'node3', 'db1']],
  ['p*:&~.*3', ['node3']],
  ['web[0]', ['web-1']],
  ['web[-1]', ['node3']],
  ['web[1:]', ['web-2', 'node3']],
  ['web[1:3]', ['web-2', 'node3']], // the end is included, and may pass the end of the list
  ['web[0:1]', ['web-1', 'web-2']],
  ['prod[1:3]', ['web-1', 'web-2', 'node3']], // prod's own p1 first, then its children's hosts
  ['nodes[1:0]', ['node2']], // Python's `if end:` reads [1:0] as [1]
  ['nodes[2-3]', ['node3', 'node4']], // old form, with a warning
  ['*[0]', ['loose1']],
  ['n*[1:2]', ['node2', 'node3']], // a glob's matches keep duplicates until the subscript applies
  ['web:db[0]', ['web-1', 'web-2', 'node3', 'db1']],
  ['web[:2]', []], // no start: not a subscript, an fnmatch class that matches nothing
  ['node[1:3]', []], // a subscript of 'node', which does not exist
  ['web-[12]', []],
  ['node3:22', []], // one address with a port, not two patterns
  ['nothere', []],
  ['nothere,web', ['web-1', 'web-2', 'node3']],
  ['web,db:&prod', ['web-1', 'web-2', 'node3']], // with commas, 'db:&prod' is one (unmatched) term
  ['localhost', ['localhost']], // the implicit localhost
  ['ungrouped', ['loose1']],
];

describe('host patterns, compared with ansible --list-hosts', () => {
  it.each(TABLE)('%s', (pattern, expected) => {
    expect(matchHosts(inv, pattern)).toEqual(expected);
  });

  it.runIf(hasAnsible())('agrees with the installed ansible on every row', () => {
    const dir = mkdtempSync(join(tmpdir(), 'oasis-pat-'));
    const file = join(dir, 'pat.ini');
    writeFileSync(file, INI);
    const theirs = ansiblePatterns(file, [...TABLE.map(([p]) => p), 'web[5]']);
    for (const [pattern] of TABLE) expect(matchHosts(inv, pattern), pattern).toEqual(theirs[pattern]);
    expect(theirs['web[5]']).toBe("ERROR: No hosts matched the subscripted pattern 'web[5]'");
    expect(() => matchHosts(inv, 'web[5]')).toThrow("no hosts matched the subscripted pattern 'web[5]'");
    // And the CLI itself, for a few rows: the same code as above inside ansible.
    for (const pattern of ['all', 'web:&prod:!node3', 'n*[1:2]']) {
      const out = execFileSync('ansible', ['-i', file, pattern, '--list-hosts'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
      expect(matchHosts(inv, pattern), pattern).toEqual(out.split('\n').slice(1).map((l) => l.trim()).filter(Boolean));
    }
  });
});

describe('host pattern details', () => {
  it('warns about a term that matches nothing, and does not fail', () => {
    const warnings: string[] = [];
    expect(matchHosts(inv, 'web:nothere:!gone', undefined, { warn: (m) => warnings.push(m) })).toEqual(['web-1', 'web-2', 'node3']);
    expect(warnings).toEqual(['Could not match supplied host pattern, ignoring: nothere', 'Could not match supplied host pattern, ignoring: gone']);
  });

  it('does not warn for a group that exists but is empty', () => {
    const empty = parseIniInventory('[e]\n[g]\nh\n', 'x.ini');
    const warnings: string[] = [];
    expect(matchHosts(empty, 'e', undefined, { warn: (m) => warnings.push(m) })).toEqual([]);
    expect(warnings).toEqual([]);
  });

  it('refuses an index past the end, as ansible-playbook does, and a bad regex', () => {
    expect(() => matchHosts(inv, 'web[5]')).toThrow("no hosts matched the subscripted pattern 'web[5]' (it selects 3)");
    expect(() => matchHosts(inv, 'web[-4]')).toThrow(/subscripted pattern 'web\[-4\]'/);
    expect(() => matchHosts(inv, '~web(')).toThrow(/invalid host pattern '~web\('/);
  });

  it('splits like split_host_pattern', () => {
    expect(splitHostPattern('web:db')).toEqual(['web', 'db']);
    expect(splitHostPattern('a, b ,,c')).toEqual(['a', 'b', 'c']);
    expect(splitHostPattern('web[1:3]:&db')).toEqual(['web[1:3]', '&db']);
    expect(splitHostPattern('node[1:3]')).toEqual(['node[1:3]']);
    expect(splitHostPattern('fe80::1')).toEqual(['fe80::1']);
    expect(splitHostPattern('[::1]:22')).toEqual(['[::1]:22']);
    expect(splitHostPattern('host.example.com:2222')).toEqual(['host.example.com:2222']);
    expect(splitHostPattern(['a:b', 'c'])).toEqual(['a', 'b', 'c']);
  });

  it('applies a limit, with @file holding one pattern a line (as ansible-playbook -l)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'oasis-limit-'));
    const file = join(dir, 'limit.txt');
    writeFileSync(file, 'web\n\n  db1  \n!node3\n');
    const all = (limit: string) => new Set(selectHosts(inv, {}, 'all', {}).filter((h) => selectHosts(inv, {}, limit, { limit: true }).includes(h)));
    // Sets: ansible-playbook --list-hosts prints these in no stable order.
    expect(all(`@${file}`)).toEqual(new Set(['web-1', 'web-2', 'db1']));
    expect(all(`p1,@${file}`)).toEqual(new Set(['web-1', 'web-2', 'db1', 'p1']));
    expect(all('web[0]:db')).toEqual(new Set(['db1', 'node3', 'web-1']));
    expect(all('!web')).toEqual(new Set(['node2', 'p1', 'node1', 'db1', 'node5', 'node4', 'loose1']));
    expect(matchHosts(inv, 'all', expandLimit('nodes:&web'))).toEqual(['node3']);
    // With commas the limit is split on them only: `db:&nodes` is one (unmatched) term, as in Ansible.
    expect(all('web,db:&nodes')).toEqual(new Set(['web-1', 'web-2', 'node3'].filter((h) => selectHosts(inv, {}, 'web', {}).includes(h))));
    // A limit file's lines are terms as they are: `web:&prod` matches nothing (ansible-playbook: no hosts).
    writeFileSync(file, 'web:&prod\n');
    expect(all(`@${file}`)).toEqual(new Set());
    expect(() => expandLimit('@/nonexistent/limit')).toThrow("--limit: cannot find limit file '/nonexistent/limit'");
    expect(() => expandLimit(`@${dir}`)).toThrow(/must be a file/);
  });

  it('treats __proto__ and constructor as ordinary names', () => {
    const odd = parseIniInventory('[__proto__]\nconstructor\n[constructor]\nh\n', 'odd.ini');
    expect(matchHosts(odd, '__proto__')).toEqual(['constructor']);
    expect(matchHosts(odd, 'constructor')).toEqual(['constructor']); // the host wins over the group
    expect(matchHosts(odd, 'constructor:&all')).toEqual(['constructor']);
    expect(matchHosts(odd, 'toString')).toEqual([]);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});

describe('fnmatch', () => {
  it.each([
    ['web*', 'web-01', true],
    ['web?', 'web10', false],
    ['[!a]x', 'bx', true],
    ['[!a]x', 'ax', false],
    ['[a-c]1', 'b1', true],
    ['[]]', ']', true],
    ['[z-a]', 'z', false],
    ['a[', 'a[', true],
    ['a.b', 'axb', false],
    ['*', 'line\nbreak', true],
  ])('%s ~ %j: %s', (pattern, name, match) => {
    expect(fnmatchRegExp(pattern).test(name)).toBe(match);
  });
});
