import { describe, expect, it } from 'vitest';
import { evalCondition, evaluate, ExpressionEvaluator } from '../../src/expr/index.js';

const vars = {
  a: true,
  b: false,
  c: true,
  zero: 0,
  n: 5,
  f: 2.5,
  s: 'hello',
  empty: '',
  none: null,
  xs: [1, 2, 3],
  nothing: [],
  d: { k: 'v', nested: { deep: 42 }, 'web-servers': ['w1'] },
  edict: {},
  users: [
    { name: 'ada', age: 36, admin: true },
    { name: 'bob', age: 7, admin: false },
  ],
  groups: { web: ['h1', 'h2'], db: ['h3'] },
  inventory_hostname: 'h2',
  ok_result: { changed: false, failed: false, rc: 0, stdout: 'all good' },
  bad_result: { changed: true, failed: true, rc: 1, stdout: '' },
  skipped_result: { changed: false, skipped: true },
  version: '1.24.3',
  port: '8080',
  flag: 'yes',
};

// [expression, expected value]
const TABLE: [string, unknown][] = [
  // literals
  ['42', 42],
  ['-7', -7],
  ['3.25', 3.25],
  ['1e3', 1000],
  ["'single'", 'single'],
  ['"double"', 'double'],
  ["'it\\'s'", "it's"],
  ["'tab\\there'", 'tab\there'],
  ["'\\d+'", '\\d+'],
  ["'a' 'b'", 'ab'],
  ['true', true],
  ['True', true],
  ['false', false],
  ['False', false],
  ['none', null],
  ['None', null],
  ['null', null],
  ["[1, 'a', [true]]", [1, 'a', [true]]],
  ['[1, 2,]', [1, 2]],
  ['[]', []],
  ["{'a': 1, 'b': [2]}", { a: 1, b: [2] }],
  ['{}', {}],
  ['(1, 2)', [1, 2]],
  // names, attributes, indexes
  ['a', true],
  ['s', 'hello'],
  ['d.k', 'v'],
  ["d['k']", 'v'],
  ['d.nested.deep', 42],
  ["d['nested']['deep']", 42],
  ["d['web-servers'][0]", 'w1'],
  ["groups['web']", ['h1', 'h2']],
  ['xs[0]', 1],
  ['xs[-1]', 3],
  ['xs.1', 2],
  ['users[1].name', 'bob'],
  ['s[0]', 'h'],
  ['xs[1:]', [2, 3]],
  ['xs[:2]', [1, 2]],
  ['xs[::-1]', [3, 2, 1]],
  ['s[1:3]', 'el'],
  // precedence and logic
  ['not a and b or c', true],
  ['not (a and b) or c', true],
  ['not a and (b or c)', false],
  ['a and b', false],
  ['a or b', true],
  ['b or zero', 0],
  ['a and s', 'hello'],
  ['not empty', true],
  ['not nothing', true],
  ['not edict', true],
  ['not none', true],
  ['not xs', false],
  ['a and not b and c', true],
  ['1 + 2 * 3', 7],
  ['(1 + 2) * 3', 9],
  ['2 ** 3 ** 1', 8],
  ['-2 + 5', 3],
  ['7 // 2', 3],
  ['-7 // 2', -4],
  ['7 % 3', 1],
  ['-7 % 3', 2],
  ['7 / 2', 3.5],
  ["'ab' * 2", 'abab'],
  ['[0] * 3', [0, 0, 0]],
  ["'a' + 'b'", 'ab'],
  ['xs + [4]', [1, 2, 3, 4]],
  ["s ~ '-' ~ n", 'hello-5'],
  ["'n=' ~ xs", 'n=[1,2,3]'],
  ["'yes' if a else 'no'", 'yes'],
  ["'yes' if b else 'no'", 'no'],
  ['n > 3 and n < 10', true],
  // comparisons
  ['n == 5', true],
  ["n == '5'", false],
  ['1 == 1.0', true],
  ['n != 4', true],
  ['n >= 5', true],
  ['f < n', true],
  ["'abc' < 'abd'", true],
  ['[1, 2] < [1, 3]', true],
  ["d == {'k': 'v', 'nested': {'deep': 42}, 'web-servers': ['w1']}", true],
  ['xs == [1, 2, 3]', true],
  ['none == None', true],
  ['true == 1', false],
  // in / not in
  ['2 in xs', true],
  ['9 not in xs', true],
  ["'ell' in s", true],
  ["'k' in d", true],
  ["'zz' in d", false],
  ['inventory_hostname in groups.web', true],
  ["inventory_hostname in groups['db']", false],
  ["'good' in ok_result.stdout", true],
  // tests
  ['missing is defined', false],
  ['missing is undefined', true],
  ['missing is not defined', true],
  ['a is defined', true],
  ['d.nope is defined', false],
  ['missing.deeper.still is defined', false],
  ['none is none', true],
  ['s is not none', true],
  ['ok_result is succeeded', true],
  ['ok_result is success', true],
  ['ok_result is failed', false],
  ['bad_result is failed', true],
  ['bad_result is failure', true],
  ['bad_result is changed', true],
  ['bad_result is change', true],
  ['ok_result is not changed', true],
  ['skipped_result is skipped', true],
  ['skipped_result is skip', true],
  ['ok_result is not skipped', true],
  ['s is truthy', true],
  ['empty is falsy', true],
  ['s is string', true],
  ['n is number', true],
  ['n is integer', true],
  ['f is float', true],
  ['d is mapping', true],
  ['xs is sequence', true],
  ['n is odd', true],
  ['n is divisibleby 5', true],
  ['n is divisibleby(2)', false],
  ["version is match('1\\.2')", true],
  ["version is match('24')", false],
  ["version is search('24')", true],
  ["'ABC' is match('(?i)ab')", true],
  ["version is fullmatch('[\\d.]+')", true],
  ["'a\nb' is match('b', multiline=true)", false],
  ['n is eq 5', true],
  ['xs is contains 2', true],
  // filters
  ['xs | length', 3],
  ['s | length', 5],
  ['d | length', 3],
  ['port | int', 8080],
  ["'4.7' | int", 4],
  ["'abc' | int", 0],
  ["'abc' | int(7)", 7],
  ["'1.5' | float", 1.5],
  ['flag | bool', true],
  ["'off' | bool", false],
  ["s | upper", 'HELLO'],
  ["'MiXeD' | lower", 'mixed'],
  ['n | string', '5'],
  ["'  x  ' | trim", 'x'],
  ["missing | default('z')", 'z'],
  ["missing | d('z')", 'z'],
  ["s | default('z')", 'hello'],
  ["empty | default('z')", ''],
  ["empty | default('z', true)", 'z'],
  ['missing.deep | default(1)', 1],
  ['xs | first', 1],
  ['xs | last', 3],
  ["'abc' | list", ['a', 'b', 'c']],
  ["xs | join(', ')", '1, 2, 3'],
  ["users | map(attribute='name') | list", ['ada', 'bob']],
  ["users | map(attribute='name') | join(',')", 'ada,bob'],
  ["['b', 'A', 'c'] | sort", ['A', 'b', 'c']],
  ["users | sort(attribute='age') | map(attribute='name') | first", 'bob'],
  ["users | selectattr('admin') | map(attribute='name') | list", ['ada']],
  ["users | rejectattr('age', 'gt', 10) | map(attribute='name') | list", ['bob']],
  ["['a', 'b'] | map('upper') | list", ['A', 'B']],
  // With a filter name, keyword arguments go to that filter (Jinja): here the inner map's attribute.
  ["[users, users] | map('map', attribute='name') | map('list') | list", [['ada', 'bob'], ['ada', 'bob']]],
  ["[['a', 'b'], ['c']] | map('join', d='-') | list", ['a-b', 'c']],
  ['[1, 1, 2] | unique', [1, 2]],
  ['xs | sum', 6],
  ['xs | max', 3],
  ["'a,b' | split(',')", ['a', 'b']],
  ["'a-b' | replace('-', '+')", 'a+b'],
  ["'host-01' | regex_replace('(\\w+)-(\\d+)', '\\2.\\1')", '01.host'],
  ["version | regex_search('\\d+\\.\\d+')", '1.24'],
  ["{'a': 1} | combine({'b': 2})", { a: 1, b: 2 }],
  ["{'a': 1} | dict2items", [{ key: 'a', value: 1 }]],
  // Python's json.dumps, as Ansible's filters (outputs checked with python3).
  ["{'b': [1, 'é', none, true], 'a': {}} | to_json", '{"b": [1, "\\u00e9", null, true], "a": {}}'],
  ["{'b': [1, 'é'], 'a': {}} | to_json(indent=2)", '{\n  "b": [\n    1,\n    "\\u00e9"\n  ],\n  "a": {}\n}'],
  ["{'b': 1, 'a': [2]} | to_nice_json", '{\n    "a": [\n        2\n    ],\n    "b": 1\n}'],
  ['a | ternary(1, 2)', 1],
  ["'x' | b64encode | b64decode", 'x'],
  ["'/etc/hosts' | basename", 'hosts'],
  ["\"it's\" | quote", "'it'\\''s'"],
  ['-3 | abs', 3],
  ['range(3) | list', [0, 1, 2]],
  // Python methods
  ["s.startswith('he')", true],
  ["s.endswith(('x', 'lo'))", true],
  ["s.upper()", 'HELLO'],
  ["'a b'.split()", ['a', 'b']],
  ["ok_result.stdout.find('good')", 4],
  ["d.get('k')", 'v'],
  ["d.get('zz', 'dflt')", 'dflt'],
  ['d.keys() | list | length', 3],
  // whole expression in braces
  ['{{ n }}', 5],
  ['  {{ xs | length }} ', 3],
];

describe('evaluate', () => {
  it(`has a table of at least 80 rows (${TABLE.length})`, () => {
    expect(TABLE.length).toBeGreaterThanOrEqual(80);
  });

  it.each(TABLE)('%s', (expr, expected) => {
    expect(evaluate(expr, vars)).toEqual(expected);
  });

  it('reuses parsed trees in an evaluator', () => {
    const ev = new ExpressionEvaluator();
    expect(ev.parse('a and b')).toBe(ev.parse('a and b'));
    expect(evaluate('n + 1', vars, ev)).toBe(6);
  });
});

describe('evalCondition', () => {
  it('passes booleans through', () => {
    expect(evalCondition(true, vars)).toBe(true);
    expect(evalCondition(false, vars)).toBe(false);
  });

  it('ANDs a list, like a when: list', () => {
    expect(evalCondition(['a', 'n > 1', true], vars)).toBe(true);
    expect(evalCondition(['a', 'n > 10'], vars)).toBe(false);
    expect(evalCondition([], vars)).toBe(true);
  });

  it('short-circuits a list after the first false item', () => {
    expect(evalCondition(['missing is defined', 'missing > 1'], vars)).toBe(false);
  });

  it('uses Python truthiness on the result', () => {
    expect(evalCondition('xs', vars)).toBe(true);
    expect(evalCondition('nothing', vars)).toBe(false);
    expect(evalCondition('empty', vars)).toBe(false);
    expect(evalCondition('zero', vars)).toBe(false);
    expect(evalCondition('none', vars)).toBe(false);
    expect(evalCondition('edict', vars)).toBe(false);
  });

  it('accepts "{{ expr }}"', () => {
    expect(evalCondition('{{ a and not b }}', vars)).toBe(true);
  });

  it('short-circuits: the right side of a false `and` is not evaluated', () => {
    expect(evalCondition('missing is defined and missing.x == 1', vars)).toBe(false);
    expect(evalCondition('missing is undefined or missing.x == 1', vars)).toBe(true);
  });

  it('reads variables from scopes made with Object.create', () => {
    const scope = Object.assign(Object.create({ inherited: 1 }), { own: 2 }) as object;
    expect(evaluate('inherited + own', scope)).toBe(3);
  });
});
