/** Helpers that pick from lists and dicts, and the handlebars built-ins we document. */
import { OpError } from '../../expr/errors.js';
import { attrPath, pluck, range } from '../../expr/filter-data.js';
import { equals, getMember, MISSING, toList, toText, truthy } from '../../expr/values.js';
import type { HelperSpec } from './types.js';

/** select_attr / where: items whose attribute equals `value`, or is true when no value is given. */
function selectAttr(args: unknown[], name: string): unknown[] {
  if (args.length < 2 || args.length > 3) throw new OpError(`${name} takes 2 or 3 arguments: list, attribute[, value]`);
  const [list, attribute, ...value] = args;
  return toList(list, name).filter((item) => {
    const v = attrPath(item, toText(attribute));
    if (v === MISSING) return false;
    return value.length ? equals(v, value[0]) : truthy(v);
  });
}

export const DATA_HELPERS: HelperSpec[] = [
  {
    name: 'lookup',
    summary: 'The key (or index) of a dict (or list); nothing when absent. For keys that are not plain names.',
    usage: '{{lookup dict key}}',
    jinja: "dict[key]",
    example: '{{join (lookup groups "web-servers") ","}}',
    vars: { groups: { 'web-servers': ['h1', 'h2'] } },
    output: 'h1,h2',
    fn: (args) => {
      if (args.length !== 2) throw new OpError('lookup takes 2 arguments: dict, key');
      const v = getMember(args[0], args[1]);
      return v === MISSING ? undefined : v;
    },
  },
  {
    name: 'map_attr',
    summary: 'The given attribute of every item (dotted paths allowed).',
    usage: '{{map_attr list "attribute"}}',
    jinja: "list | map(attribute='attribute')",
    example: '{{join (map_attr users "name") ", "}}',
    vars: { users: [{ name: 'ada' }, { name: 'bob' }] },
    output: 'ada, bob',
    fn: (args) => {
      if (args.length !== 2) throw new OpError('map_attr takes 2 arguments: list, attribute');
      return pluck(toList(args[0], 'map_attr'), toText(args[1]));
    },
  },
  {
    name: 'select_attr',
    summary: 'The items whose attribute equals `value` (is true, when no value is given).',
    usage: '{{select_attr list "attribute" value}}',
    jinja: "list | selectattr('attribute', 'equalto', value)",
    example: '{{map_attr (select_attr users "admin") "name"}} {{length (select_attr users "shell" "zsh")}}',
    vars: { users: [{ name: 'ada', admin: true, shell: 'zsh' }, { name: 'bob', admin: false, shell: 'sh' }] },
    output: '["ada"] 1',
    fn: (args) => selectAttr(args, 'select_attr'),
  },
  {
    name: 'where',
    summary: 'Same as select_attr: `{{#each (where users "state" "present")}}`.',
    usage: '{{where list "attribute" value}}',
    jinja: "list | selectattr('attribute', 'equalto', value)",
    example: '{{#each (where users "state" "present")}}{{name}} {{/each}}',
    vars: { users: [{ name: 'ada', state: 'present' }, { name: 'bob', state: 'absent' }] },
    output: 'ada ',
    fn: (args) => selectAttr(args, 'where'),
  },
  {
    name: 'range',
    summary: 'Python range: `{{range 3}}` is 0, 1, 2; `{{range 1 7 2}}` is 1, 3, 5.',
    usage: '{{range start stop step}}',
    jinja: 'range(start, stop, step)',
    example: '{{#each (range 1 4)}}n{{this}} {{/each}}',
    output: 'n1 n2 n3 ',
    fn: (args) => range(args),
  },
  {
    name: 'if',
    builtin: true,
    summary: 'Renders the block when the value is true (not false, empty, 0 or null); `{{else}}` otherwise. The value must be defined: test optional ones with `(defined x)`.',
    usage: '{{#if value}}…{{else}}…{{/if}}',
    jinja: '{% if value %}…{% else %}…{% endif %}',
    example: '{{#if tls}}https{{else}}http{{/if}}',
    vars: { tls: true },
    output: 'https',
  },
  {
    name: 'unless',
    builtin: true,
    summary: 'Renders the block when the value is false or empty.',
    usage: '{{#unless value}}…{{/unless}}',
    jinja: '{% if not value %}…{% endif %}',
    example: '{{#unless users}}no users{{/unless}}',
    vars: { users: [] },
    output: 'no users',
  },
  {
    name: 'each',
    builtin: true,
    summary: 'Renders the block per item (`{{this}}`, `{{@index}}`, `{{@first}}`, `{{@last}}`; `{{@key}}` for dicts; `{{../x}}` reaches outside).',
    usage: '{{#each list}}…{{else}}(empty){{/each}}',
    jinja: '{% for item in list %}…{% endfor %}',
    example: '{{#each hosts}}{{@index}}:{{this}}{{#unless @last}},{{/unless}}{{/each}}',
    vars: { hosts: ['a', 'b'] },
    output: '0:a,1:b',
  },
  {
    name: 'with',
    builtin: true,
    summary: 'Renders the block with the value as context.',
    usage: '{{#with dict}}…{{/with}}',
    example: '{{#with db}}{{host}}:{{port}}{{/with}}',
    vars: { db: { host: 'db1', port: 5432 } },
    output: 'db1:5432',
  },
];
