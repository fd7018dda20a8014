/** Comparison and logic helpers, for sub-expressions: `{{#if (and (eq a 1) (not b))}}`. */
import { OpError } from '../../expr/errors.js';
import { binaryOp } from '../../expr/interpret.js';
import { contains, truthy } from '../../expr/values.js';
import type { HelperSpec } from './types.js';

function arity(name: string, args: unknown[], n: number): void {
  if (args.length !== n) throw new OpError(`${name} takes ${n} argument${n === 1 ? '' : 's'}, got ${args.length}`);
}

function comparison(name: string, op: string, jinja: string, example: string, output: string): HelperSpec {
  return {
    name,
    summary: `\`a ${op} b\`, as in conditions (no type coercion: 1 and "1" differ; ordering needs numbers or strings).`,
    usage: `{{${name} a b}}`,
    jinja,
    example,
    vars: { count: 3, name: 'web' },
    output,
    fn: (args) => {
      arity(name, args, 2);
      return binaryOp(op, args[0], args[1]);
    },
  };
}

export const LOGIC_HELPERS: HelperSpec[] = [
  comparison('eq', '==', 'a == b', '{{eq name "web"}} {{eq count "3"}}', 'true false'),
  comparison('ne', '!=', 'a != b', '{{ne name "db"}}', 'true'),
  comparison('lt', '<', 'a < b', '{{lt count 5}}', 'true'),
  comparison('le', '<=', 'a <= b', '{{le count 3}}', 'true'),
  comparison('gt', '>', 'a > b', '{{gt count 5}}', 'false'),
  comparison('ge', '>=', 'a >= b', '{{ge count 3}}', 'true'),
  {
    name: 'and',
    summary: 'The first false argument, else the last (Python `and`); use in `#if`.',
    usage: '{{and a b …}}',
    jinja: 'a and b',
    example: '{{#if (and enabled (eq env "prod"))}}on{{else}}off{{/if}}',
    vars: { enabled: true, env: 'prod' },
    output: 'on',
    fn: (args) => {
      if (args.length < 2) throw new OpError('and takes at least 2 arguments');
      return args.find((a) => !truthy(a)) ?? args[args.length - 1];
    },
  },
  {
    name: 'or',
    summary: 'The first true argument, else the last (Python `or`): also a fallback for empty values.',
    usage: '{{or a b …}}',
    jinja: 'a or b',
    example: '{{or nickname name}}',
    vars: { nickname: '', name: 'ada' },
    output: 'ada',
    fn: (args) => {
      if (args.length < 2) throw new OpError('or takes at least 2 arguments');
      return args.find((a) => truthy(a)) ?? args[args.length - 1];
    },
  },
  {
    name: 'not',
    summary: 'True when the argument is false, empty, 0 or null.',
    usage: '{{not value}}',
    jinja: 'not value',
    example: '{{#if (not users)}}nobody{{/if}}',
    vars: { users: [] },
    output: 'nobody',
    fn: (args) => {
      arity('not', args, 1);
      return !truthy(args[0]);
    },
  },
  {
    name: 'defined',
    summary: 'True when the variable is defined: the way to test optional variables (`{{#if x}}` fails on an undefined `x`).',
    usage: '{{defined value}}',
    jinja: 'value is defined',
    example: '{{#if (defined proxy)}}use {{proxy}}{{else}}direct{{/if}}',
    output: 'direct',
    lenient: true,
    fn: (args) => {
      arity('defined', args, 1);
      return args[0] !== undefined;
    },
  },
  {
    name: 'contains',
    summary: 'True when a list holds the item, a string the substring, or a dict the key.',
    usage: '{{contains container item}}',
    jinja: 'item in container',
    example: "{{#if (contains groups.web inventory_hostname)}}web{{/if}}",
    vars: { groups: { web: ['h1', 'h2'] }, inventory_hostname: 'h2' },
    output: 'web',
    fn: (args) => {
      arity('contains', args, 2);
      return contains(args[0], args[1]);
    },
  },
];
