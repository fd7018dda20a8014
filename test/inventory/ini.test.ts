import { describe, expect, it } from 'vitest';
import { InventoryError, expandHostRange, parseIniInventory, parseIniValue, resolveHostVars } from '../../src/inventory/ini.js';

const parse = (text: string) => parseIniInventory(text, 'hosts.ini');
const errorOf = (text: string): InventoryError => {
  try {
    parse(text);
  } catch (e) {
    expect(e).toBeInstanceOf(InventoryError);
    return e as InventoryError;
  }
  throw new Error('expected an InventoryError');
};

describe('parseIniInventory', () => {
  it('reads groups, hosts in file order, all and ungrouped', () => {
    const inv = parse(`
# comment
; another comment
lonely ansible_host=10.0.0.9
[web]
web1
web2:2222   # inline comment
[db]
db1
web1
`);
    expect([...inv.hosts.keys()]).toEqual(['lonely', 'web1', 'web2', 'db1']);
    expect([...inv.groups.keys()]).toEqual(['all', 'ungrouped', 'web', 'db']);
    expect(inv.groups.get('web')!.hosts).toEqual(['web1', 'web2']);
    expect(inv.groups.get('db')!.hosts).toEqual(['db1', 'web1']);
    expect(inv.groups.get('ungrouped')!.hosts).toEqual(['lonely']);
    expect(inv.groups.get('all')!.children).toEqual(['ungrouped', 'web', 'db']);
    expect(inv.hosts.get('web2')!.vars).toEqual({ ansible_port: 2222 });
    expect([...inv.hosts.get('web1')!.groups].sort()).toEqual(['all', 'db', 'web']);
    expect([...inv.hosts.get('lonely')!.groups].sort()).toEqual(['all', 'ungrouped']);
  });

  it('keeps a host listed first ungrouped out of ungrouped once it joins a group', () => {
    const inv = parse('h1\nh2\n[g]\nh1\n[all]\nh3\n');
    expect(inv.groups.get('ungrouped')!.hosts).toEqual(['h2', 'h3']);
    expect(inv.groups.get('all')!.hosts).toEqual(['h3']);
  });

  it('expands ranges with padding, letters and strides', () => {
    const inv = parse('[web]\nwww[01:03].example.com\n[x]\ndb-[a:c]\nn[1:10:4]\nr[1:2]-[a:b]:22 role=x\n');
    expect(inv.groups.get('web')!.hosts).toEqual(['www01.example.com', 'www02.example.com', 'www03.example.com']);
    expect(inv.groups.get('x')!.hosts).toEqual(['db-a', 'db-b', 'db-c', 'n1', 'n5', 'n9', 'r1-a', 'r1-b', 'r2-a', 'r2-b']);
    expect(inv.hosts.get('r2-b')!.vars).toEqual({ role: 'x', ansible_port: 22 });
    expect(expandHostRange('h[:2]')).toEqual(['h0', 'h1', 'h2']);
    expect(expandHostRange('h[8:11]')).toEqual(['h8', 'h9', 'h10', 'h11']);
  });

  it('handles IPv6 addresses with and without a port', () => {
    const inv = parse('[v6]\n[::1]:2200\nfe80::1\n');
    expect([...inv.hosts.keys()]).toEqual(['::1', 'fe80::1']);
    expect(inv.hosts.get('::1')!.vars).toEqual({ ansible_port: 2200 });
  });

  it('reads values as Python literals on host lines and in :vars alike (ansible-core 2.14), else strings', () => {
    // Expected values are what `ansible-inventory --list --export` prints for this file. The
    // documentation's "values in :vars are strings" is not what ansible-core 2.14 does.
    const inv = parse(`[g]
h n=42 f=1.5 neg=-3 hex=0x1F t=True t2=true no=False none=None s="two words" q="'42'" zip=01234
h l="[1, 'a', True]" d='{"k": [1, 2], "n": null}' tup=1,2 bare=hello esc=a\\ b big=123456789012345678901 pw=ab#cut
[g:vars]
n=42
t=True
s="quoted value"
c=8080 # a comment
color=#fff
a=hello # not a comment: the value is no literal, so all of it is the string
b='x' # c
e=true
f=None
g={'k': 1}
k=
l=a=b
mix="a" b
o=0777
q=['a', "b",]
`);
    expect(inv.hosts.get('h')!.vars).toEqual({
      n: 42, f: 1.5, neg: -3, hex: 31, t: true, t2: 'true', no: false, none: null, s: 'two words', q: '42', zip: '01234',
      l: [1, 'a', true], d: '{"k": [1, 2], "n": null}', tup: [1, 2], bare: 'hello', esc: 'a b', big: '123456789012345678901', pw: 'ab',
    });
    expect(inv.groups.get('g')!.vars).toEqual({
      n: 42, t: true, s: 'quoted value', c: 8080, color: '#fff', a: 'hello # not a comment: the value is no literal, so all of it is the string',
      b: 'x', e: 'true', f: null, g: { k: 1 }, k: '', l: 'a=b', mix: '"a" b', o: '0777', q: ['a', 'b'],
    });
  });

  it('parses Python string literals', () => {
    expect(parseIniValue(`'a\\tb'`)).toBe('a\tb');
    expect(parseIniValue(`r'a\\tb'`)).toBe('a\\tb');
    expect(parseIniValue(`'a' "b"`)).toBe('ab');
    expect(parseIniValue(`'\\x41\\u00e9'`)).toBe('Aé');
    expect(parseIniValue(`'unterminated`)).toBe(`'unterminated`);
    expect(parseIniValue('(1)')).toBe(1);
    expect(parseIniValue('()')).toEqual([]);
    expect(parseIniValue('{1, 2}')).toEqual([1, 2]);
    expect(parseIniValue('')).toBe('');
    expect(parseIniValue('1_000')).toBe(1000);
    expect(parseIniValue('1e3')).toBe(1000);
    expect(parseIniValue('2j')).toBe('2j');
    expect(parseIniValue('yes')).toBe('yes');
  });

  it('nests :children; a child named before its section joins when the section comes', () => {
    const inv = parse('[prod:children]\ndb\nweb\n[web]\nw1\n[db]\n[dc:children]\nprod\n');
    // Ansible links a pending child when its section appears: web before db here.
    expect(inv.groups.get('prod')!.children).toEqual(['web', 'db']);
    expect(inv.groups.get('db')!.hosts).toEqual([]);
    expect(inv.groups.get('all')!.children).toEqual(['ungrouped', 'dc']);
    expect([...inv.hosts.get('w1')!.groups].sort()).toEqual(['all', 'dc', 'prod', 'web']);
  });

  it('refuses a :children member that no section defines, as Ansible does', () => {
    expect(errorOf('[prod:children]\nweb\ndb\n[web]\nw1\n').message).toBe(
      "hosts.ini:3:1: group 'db' is listed in [prod:children] but not defined anywhere (add a [db] section, even an empty one)",
    );
  });

  it('sets ansible_port only where a host is first named; an explicit ansible_port wins', () => {
    const inv = parse('[a]\nh:2222\n[b]\nh:3333\nh2:22 ansible_port=1\n');
    expect(inv.hosts.get('h')!.vars).toEqual({ ansible_port: 2222 });
    expect(inv.hosts.get('h2')!.vars).toEqual({ ansible_port: 1 });
  });

  it('keeps ansible_group_priority out of the variables', () => {
    const inv = parse('[g]\nh\n[g:vars]\nansible_group_priority=7\nx=1\n');
    expect(inv.groups.get('g')!.priority).toBe(7);
    expect(inv.groups.get('g')!.vars).toEqual({ x: 1 });
    expect(errorOf('[g]\nh\n[g:vars]\nansible_group_priority=high\n').message).toBe("hosts.ini:4:1: ansible_group_priority must be a whole number, got 'high'");
  });

  it('reports errors as FILE:LINE:COL', () => {
    expect(errorOf('[web]\nh1\n  h2 novalue\n').message).toBe("hosts.ini:3:6: expected key=value host variable assignment, got 'novalue'");
    expect(errorOf('[web]\nh[3:1]\n').message).toBe("hosts.ini:2:2: bad host range '[3:1]': begin must be <= end");
    expect(errorOf('[web]\nh[01:5]\n').message).toMatch(/^hosts.ini:2:2: bad host range '\[01:5\]': begin and end must have the same width/);
    expect(errorOf('[web]\nh[1:2:3:4]\n').message).toMatch(/^hosts.ini:2:2: bad host range/);
    expect(errorOf('[web]\nh[a:5]\n').message).toMatch(/^hosts.ini:2:2: bad host range/);
    expect(errorOf('[web]\nh[1:5\n').message).toMatch(/^hosts.ini:2:2: unterminated host range/);
    expect(errorOf('[web:vars]\nnoequals\n[web]\n').message).toBe("hosts.ini:2:1: expected key=value in [web:vars], got 'noequals'");
    expect(errorOf('\n[web:hostz]\n').message).toBe("hosts.ini:2:6: section [web:hostz] has unknown type 'hostz' (expected vars or children)");
    expect(errorOf('[web stuff]\n').message).toMatch(/^hosts.ini:1:1: invalid section header/);
    expect(errorOf('[g]\nh x="open\n').message).toBe('hosts.ini:2:5: cannot split host line: No closing quotation');
    expect(errorOf('[g]\nh:\n').message).toMatch(/^hosts.ini:2:2: invalid host pattern 'h:'/);
    expect(errorOf('[g]\nh:http\n').message).toBe("hosts.ini:2:3: invalid port 'http'");
    expect(errorOf('[a:children]\nb\n[b:children]\na\n').message).toBe("hosts.ini:4:1: adding group 'a' as a child of 'b' creates a loop");
    expect(errorOf('[web]\nh\n[wbe:vars]\nx=1\n').message).toMatch(/^hosts.ini:3:1: section \[wbe:vars\]/);
    const e = errorOf('[g]\nh a\n');
    expect([e.file, e.line, e.col]).toEqual(['hosts.ini', 2, 3]);
  });

  it('accepts [g:vars] before [g], CRLF line ends and a BOM', () => {
    const inv = parse('\uFEFF[g:vars]\r\nx=1\r\n[g]\r\nh\r\n');
    expect(inv.groups.get('g')!.vars).toEqual({ x: 1 });
    expect(inv.groups.get('g')!.hosts).toEqual(['h']);
  });
});

describe('resolveHostVars', () => {
  const inv = parse(`
[all:vars]
v=all
only_all=1
[prod:children]
web
[prod:vars]
v=prod
p=prod
[web]
w1
w2 v=host
[web:vars]
v=web
[zeta]
w1
[zeta:vars]
v=zeta
z=1
[alpha]
w1
[alpha:vars]
v=alpha
a=1
[solo]
s1
[solo:vars]
ansible_group_priority=10
v=solo
[other]
s1
[other:vars]
v=other
`);

  it('lets child group vars beat parent vars and host vars beat group vars', () => {
    expect(resolveHostVars(inv, 'w2')).toEqual({ v: 'host', only_all: 1, p: 'prod' });
  });

  it('orders groups by depth, then priority, then name', () => {
    // w1: all(0) < alpha(1), prod(1), zeta(1) < web(2) → web wins; alpha < zeta by name.
    expect(resolveHostVars(inv, 'w1')).toEqual({ v: 'web', only_all: 1, p: 'prod', z: 1, a: 1 });
    // s1: other and solo are both depth 1; solo has the higher ansible_group_priority.
    expect(resolveHostVars(inv, 's1').v).toBe('solo');
  });

  it('gives ungrouped hosts the all vars', () => {
    const u = parse('[all:vars]\nx=1\n[ungrouped:vars]\ny=2\n\n[g]\nh\n[all]\nloose k=3\n');
    expect(resolveHostVars(u, 'loose')).toEqual({ x: 1, y: 2, k: 3 });
    expect(resolveHostVars(u, 'h')).toEqual({ x: 1 });
    expect(resolveHostVars(u, 'missing')).toEqual({});
  });
});

describe('large and hostile INI inventories', () => {
  it('reads 20 000 hosts in 500 groups quickly', () => {
    let text = '';
    for (let g = 0; g < 500; g++) text += `[g${g}]\nnode${g}-[1:40] x=${g}\n[g${g}:vars]\nv=${g}\n`;
    text += '[top:children]\n' + Array.from({ length: 500 }, (_, g) => `g${g}`).join('\n') + '\n';
    const started = performance.now();
    const inv = parse(text);
    expect(inv.hosts.size).toBe(20_000);
    expect(resolveHostVars(inv, 'node499-40')).toEqual({ x: 499, v: 499 });
    expect(performance.now() - started).toBeLessThan(3000);
  });

  it('refuses a group tree deeper than 100 levels, quickly, whatever the order of the sections', () => {
    const n = 50_000;
    const bottomUp = Array.from({ length: n }, (_, i) => `[g${n - i}:children]\ng${n - i + 1}\n[g${n - i + 1}]\n`).join('');
    const started = performance.now();
    expect(() => parse(bottomUp)).toThrow(/^inventory: group 'g\d+' is nested \d+ levels deep under 'all'; group trees deeper than 100 levels are refused$/);
    expect(performance.now() - started).toBeLessThan(3000);
    const ok = Array.from({ length: 99 }, (_, i) => `[g${i}:children]\ng${i + 1}\n`).join('') + '[g99]\nh\n';
    expect(parse(ok).groups.get('g99')!.depth).toBe(100);
  });
});

describe('ranges that ask for too much', () => {
  it('refuses a range of more than 100 000 hosts before building it', () => {
    const started = performance.now();
    expect(errorOf('[g]\nnode[1:999999999999]\n').message).toBe("hosts.ini:2:5: bad host range '[1:999999999999]': it names more than 100000 hosts");
    expect(errorOf('[g]\nn[1:1000]-[1:1000]\n').message).toMatch(/^hosts.ini:2:2: bad host range '\[1:1000\]': with the ranges after it, it names more than 100000 hosts/);
    expect(performance.now() - started).toBeLessThan(1000);
  });

  it('refuses more than a million host entries in groups', () => {
    const text = Array.from({ length: 11 }, (_, i) => `[g${i}]\nnode[1:100000]\n`).join('');
    expect(() => parse(text)).toThrow(/^hosts.ini:22:1: more than 1000000 host entries in groups; inventories this large are refused$/);
  });
});
