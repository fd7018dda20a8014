import { mkdtempSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { TemplateEngine, TemplateError } from '../../src/template/index.js';

const where = { file: 'site.yml', line: 12, col: 14 };

const vars = {
  name: 'web',
  count: 3,
  ratio: 0.5,
  enabled: true,
  off: false,
  nothing: null,
  flavours: ['vanilla', 'mint'],
  item: { name: 'ada', tags: ['x'] },
  groups: { web: ['h1', 'h2'], 'db-servers': ['h3'] },
  users: [
    { name: 'ada', shell: 'zsh' },
    { name: 'bob', shell: 'sh' },
  ],
  html: '<a href="x">&amp; \'q\'',
};

let t: TemplateEngine;
beforeEach(() => {
  t = new TemplateEngine();
});

function failure(fn: () => unknown): TemplateError {
  try {
    fn();
  } catch (e) {
    if (e instanceof TemplateError) return e;
    throw e;
  }
  throw new Error('expected a TemplateError');
}

describe('renderString: native values', () => {
  it.each([
    ['{{ flavours }}', ['vanilla', 'mint']],
    ['{{ count }}', 3],
    ['{{ ratio }}', 0.5],
    ['{{ enabled }}', true],
    ['{{ off }}', false],
    ['{{ nothing }}', null],
    ['{{ item }}', { name: 'ada', tags: ['x'] }],
    ['{{ item.name }}', 'ada'],
    ["{{ groups['web'] }}", ['h1', 'h2']],
    ["{{ groups['db-servers'][0] }}", 'h3'],
    ['{{ flavours | length }}', 2],
    ["{{ users | map(attribute='name') | list }}", ['ada', 'bob']],
    ['  {{ count }}  ', 3],
    // A string keeps the text around its one expression, as Ansible renders `"{{ name }}\n"`.
    ['{{ item.name }}\n', 'ada\n'],
    [' {{ item.name }} ', ' ada '],
    ['{{count}}', 3],
    ['{{ count + 1 }}', 4],
    ["{{ missing | default('d') }}", 'd'],
    ['{{ [1, 2] }}', [1, 2]],
    // Helper calls keep the helper's value too.
    ['{{length flavours}}', 2],
    ['{{map_attr users "name"}}', ['ada', 'bob']],
    ['{{default port 8080}}', 8080],
    ['{{abs -3}}', 3],
    ['{{join flavours ", "}}', 'vanilla, mint'],
  ])('%s', (text, expected) => {
    expect(t.renderString(text, vars, where)).toEqual(expected);
  });

  it('returns strings without {{ as they are', () => {
    expect(t.renderString('plain text', vars)).toBe('plain text');
    expect(t.renderString('', vars)).toBe('');
  });
});

describe('renderString: text', () => {
  it.each([
    ['x {{ count }} y', 'x 3 y'],
    ['{{ name }}-{{ count }}', 'web-3'],
    ['list: {{ flavours }}', 'list: ["vanilla","mint"]'],
    ['dict: {{ item }}', 'dict: {"name":"ada","tags":["x"]}'],
    ['null: [{{ nothing }}]', 'null: []'],
    ['bool: {{ enabled }}', 'bool: true'],
    ['{{#each flavours}}{{@index}}={{this}};{{/each}}', '0=vanilla;1=mint;'],
    ['{{#each users}}{{name}}@{{../name}} {{/each}}', 'ada@web bob@web '],
    ['{{#each users as |u|}}{{u.name}}:{{u.shell}} {{/each}}', 'ada:zsh bob:sh '],
    ['{{#each groups}}{{@key}}={{length this}} {{/each}}', 'web=2 db-servers=1 '],
    ['{{#if enabled}}on{{else}}off{{/if}}', 'on'],
    ['{{#if off}}on{{else if enabled}}maybe{{else}}off{{/if}}', 'maybe'],
    ['{{#unless off}}yes{{/unless}}', 'yes'],
    ['{{#with item}}{{name}} {{tags}}{{/with}}', 'ada ["x"]'],
    ['{{#each (where users "shell" "zsh")}}{{name}}{{/each}}', 'ada'],
    ['{{#if (and enabled (gt count 2))}}big{{/if}}', 'big'],
    ['{{#if (defined missing)}}x{{else}}no{{/if}}', 'no'],
    ['{{#if (contains groups.web "h2")}}member{{/if}}', 'member'],
    ['a {{~ name ~}} b', 'awebb'],
    ['{{! a comment }}x', 'x'],
    ['\\{{ not rendered }}', '{{ not rendered }}'],
    ['{{@root.name}}', 'web'],
    ['{{#each users}}{{@root.item.name}}{{/each}}', 'adaada'],
    ['{{flavours.length}} {{name.length}}', '2 3'],
    ['{{flavours.[1]}}', 'mint'],
  ])('%s', (text, expected) => {
    expect(t.renderString(text, vars, where)).toBe(expected);
  });

  it('reads a bare name as a variable even when a helper has that name', () => {
    expect(t.renderString('{{first}} {{hash}} {{join}}', { first: 'a', hash: 'b', join: 'c' })).toBe('a b c');
    expect(t.renderString('{{ first }}', { first: [1] })).toEqual([1]);
  });

  it('reads `{{#name}}` without arguments as a call of the helper of that name, else as a section over the variable (as handlebars does)', () => {
    const v = { upper: { a: 1 }, xs: [1, 2] };
    // The helper runs, with no argument: upper of nothing is ''. Read as the variable, it would render 'x'.
    expect(t.renderString('a {{#upper}}x{{/upper}} b', v)).toBe('a  b');
    expect(t.renderString('a {{#xs}}[{{this}}]{{/xs}} b', v)).toBe('a [1][2] b');
  });

  it('drops the lines of standalone block tags', () => {
    expect(t.renderString('hosts:\n{{#each flavours}}\n  - {{this}}\n{{/each}}\nend', vars)).toBe('hosts:\n  - vanilla\n  - mint\nend');
  });

  it('passes hash arguments as keyword arguments', () => {
    expect(t.renderString('{{map_attr (sort users attribute="name" reverse=true) "name"}}', vars)).toEqual(['bob', 'ada']);
  });

  it('never escapes HTML', () => {
    expect(t.renderString('x {{html}}', vars)).toBe(`x ${vars.html}`);
    expect(t.renderString('{{{html}}}', vars)).toBe(vars.html);
    expect(t.renderString('<a href="{{ name }}">&</a>', vars)).toBe('<a href="web">&</a>');
  });
});

describe('default works on undefined variables (strict mode elsewhere)', () => {
  it.each([
    ['{{default missing "y"}}', 'y'],
    ['x {{default missing "y"}}', 'x y'],
    ['x {{default missing.deeper.still "y"}}', 'x y'],
    ['x {{default item.missing "y"}}', 'x y'],
    ['x {{default nothing "y"}}', 'x '],
    ['x {{default nothing "y" true}}', 'x y'],
    ['x {{default name "y"}}', 'x web'],
    ['{{#each users}}{{default nick name}} {{/each}}', 'ada bob '],
  ])('%s', (text, expected) => {
    expect(t.renderString(text, vars)).toBe(expected);
  });
});

describe('errors', () => {
  it("reports an undefined variable as FILE:LINE:COL: undefined variable 'name' in template", () => {
    const e = failure(() => t.renderString('{{ missing }}', vars, where));
    expect(e.message).toBe("site.yml:12:17: undefined variable 'missing' in template");
    expect(e).toMatchObject({ file: 'site.yml', line: 12, col: 17, kind: 'undefined', name: 'TemplateError' });
  });

  it('counts lines inside a multi-line string; later lines keep the first line\'s indentation, as in a YAML block scalar', () => {
    const e = failure(() => t.renderString('line one\nline two {{ name }}\n  {{ missing }}', vars, where));
    expect(e.message).toBe("site.yml:14:19: undefined variable 'missing' in template");
  });

  it('points at nested paths and names them fully', () => {
    expect(failure(() => t.renderString('x {{item.nope.deeper}}', vars, where)).message).toBe(
      "site.yml:12:18: undefined variable 'item.nope' in template",
    );
    expect(failure(() => t.renderString('{{ item.nope }}', vars, where)).message).toContain("undefined variable 'item.nope' in template");
  });

  it('reports undefined variables inside blocks, helper arguments and ../', () => {
    expect(failure(() => t.renderString('{{#each users}}\n{{nick}}{{/each}}', vars, where)).message).toBe(
      "site.yml:13:16: undefined variable 'nick' in template",
    );
    expect(failure(() => t.renderString('x {{join missing ","}}', vars)).message).toBe(
      "<template>:1:10: undefined variable 'missing' in template",
    );
    expect(failure(() => t.renderString('{{#each users}}{{../nope}}{{/each}}', vars)).message).toContain(
      "undefined variable '../nope' in template",
    );
    expect(failure(() => t.renderString('{{#if missing}}x{{/if}}', vars)).kind).toBe('undefined');
    expect(failure(() => t.renderString('{{#each missing}}x{{/each}}', vars)).kind).toBe('undefined');
  });

  it('reports syntax errors with their position', () => {
    const e = failure(() => t.renderString('x\n  {{#if enabled}}y', vars, where));
    expect(e.kind).toBe('syntax');
    expect(e.message).toMatch(/^site\.yml:13:\d+: template syntax error: /);
    const e2 = failure(() => t.renderString('ok\nab {{foo bar}', vars, where));
    expect(e2.message).toMatch(/^site\.yml:13:26: template syntax error: unexpected '}'/);
    const e3 = failure(() => t.renderString('{{#if enabled}}x{{/each}}', vars, where));
    expect(e3.message).toMatch(/^site\.yml:12:\d+: template syntax error: if doesn't match each/);
  });

  it('reports an unknown helper where it is called', () => {
    expect(failure(() => t.renderString('x {{frobnicate name}}', vars, where)).message).toBe("site.yml:12:18: unknown helper 'frobnicate'");
    expect(failure(() => t.renderString('x {{join (nope name) ","}}', vars)).message).toContain("unknown helper 'nope'");
  });

  it('reports helper failures with the helper name', () => {
    expect(failure(() => t.renderString('x {{lower flavours}}', vars)).message).toBe(
      "<template>:1:3: lower expects a string, got 'list' (in helper 'lower')",
    );
    expect(failure(() => t.renderString('x {{mandatory missing}}', vars)).message).toBe("<template>:1:3: mandatory variable 'missing' is not defined");
    expect(failure(() => t.renderString('x {{mandatory missing "set it"}}', vars)).message).toBe('<template>:1:3: set it');
  });

  it('reports Jinja expression errors in a single {{ }} at their column', () => {
    expect(failure(() => t.renderString('{{ count | }}', vars, where)).message).toBe(
      'site.yml:12:24: template syntax error: unexpected end of expression (expected a name)',
    );
    expect(failure(() => t.renderString("{{ name + 1 }}", vars, where)).message).toContain("unsupported operand types for +: 'str' and 'int'");
  });

  it('suggests helpers for Jinja filters and statements', () => {
    expect(failure(() => t.renderString("port {{ port | default('80') }}", vars)).message).toContain('write {{default value fallback}}');
    expect(failure(() => t.renderString('{% if enabled %}x{% endif %}', vars)).message).toContain('write {{#if cond}}');
    expect(failure(() => t.renderString('a {{name}} {% for x in y %}', vars)).message).toContain("'{% for %}' are not supported");
  });

  it('a Jinja comment is refused even in a string with no {{ }} (it would be copied as is); shell ${#var} is not one', () => {
    expect(failure(() => t.renderString('hello {# a comment #}', vars, where)).message).toBe(
      "site.yml:12:20: template syntax error: Jinja comments ('{# … #}') would be copied to the output: write {{!-- … --}}",
    );
    expect(t.renderString('echo ${#HOME} {#', vars)).toBe('echo ${#HOME} {#');
  });

  it('never leaks a stack trace or handlebars internals into the message', () => {
    for (const text of ['{{ missing }}', 'x {{missing.a.b}}', 'x {{#if}}', 'x {{> nopartial}}', 'x {{lower flavours}}']) {
      const e = failure(() => t.renderString(text, vars, where));
      expect(e.message).not.toMatch(/\n\s+at |\[object Object\]|not defined in/);
      expect(e.message.startsWith('site.yml:12:')).toBe(true);
    }
  });
});

describe('no prototype access', () => {
  it.each(['x {{item.constructor}}', 'x {{item.__proto__}}', 'x {{constructor}}', 'x {{toString}}', 'x {{flavours.constructor}}', '{{ item.constructor }}'])(
    '%s is undefined',
    (text) => {
      expect(failure(() => t.renderString(text, vars)).kind).toBe('undefined');
    },
  );

  it('lookup does not reach prototypes either', () => {
    expect(t.renderString('x{{lookup item "constructor"}}{{lookup item "__proto__"}}', vars)).toBe('x');
  });
});

describe('renderDeep', () => {
  it('renders strings in nested objects and arrays, not keys', () => {
    const input = { '{{ name }}': ['{{ count }}', 'n={{ count }}', { deep: '{{ flavours }}' }], n: 1, b: true, z: null };
    expect(t.renderDeep(input, vars, where)).toEqual({
      '{{ name }}': [3, 'n=3', { deep: ['vanilla', 'mint'] }],
      n: 1,
      b: true,
      z: null,
    });
  });
});

describe('renderFile and partials', () => {
  const dir = mkdtempSync(join(tmpdir(), 'oasis-tpl-'));

  it('renders a file to text, even a single expression', () => {
    const p = join(dir, 'count.txt.hbs');
    writeFileSync(p, '{{ count }}');
    expect(t.renderFile(p, vars)).toBe('3');
  });

  it('positions errors in the template file', () => {
    const p = join(dir, 'nginx.conf.hbs');
    writeFileSync(p, 'server {\n  listen {{port}};\n}\n');
    expect(failure(() => t.renderFile(p, vars)).message).toBe(`${p}:2:12: undefined variable 'port' in template`);
    const q = join(dir, 'broken.hbs');
    writeFileSync(q, 'a\nb\n{{#each flavours}}\nx\n');
    expect(failure(() => t.renderFile(q, vars)).message).toMatch(new RegExp(`^${q.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:\\d+:\\d+: template syntax error`));
  });

  it('recompiles a file when it changes', () => {
    const p = join(dir, 'changing.hbs');
    writeFileSync(p, 'one {{name}}');
    expect(t.renderFile(p, vars)).toBe('one web');
    writeFileSync(p, 'two {{name}}!');
    utimesSync(p, new Date(), new Date(Date.now() + 5000));
    expect(t.renderFile(p, vars)).toBe('two web!');
  });

  it('registers *.hbs, *.j2 and *.tmpl files of a directory as partials', () => {
    const pdir = mkdtempSync(join(tmpdir(), 'oasis-partials-'));
    writeFileSync(join(pdir, 'user.hbs'), '{{name}}<{{shell}}>');
    writeFileSync(join(pdir, 'header.j2'), '# {{title}}\n');
    writeFileSync(join(pdir, 'footer.tmpl'), '-- {{default footer "end"}}');
    writeFileSync(join(pdir, 'notes.txt'), 'not a partial');
    expect(t.registerPartialsFrom(pdir).sort()).toEqual(['footer', 'header', 'user']);
    expect(t.renderString('{{> header title="Users"}}\n{{#each users}}{{> user}} {{/each}}\n{{> footer}}', vars)).toBe(
      '# Users\nada<zsh> bob<sh> \n-- end',
    );
    expect(t.registerPartialsFrom(join(pdir, 'does-not-exist'))).toEqual([]);
  });

  it('positions errors inside a partial in the partial file', () => {
    const pdir = mkdtempSync(join(tmpdir(), 'oasis-partials-'));
    writeFileSync(join(pdir, 'bad.hbs'), 'line\n{{oops}}');
    t.registerPartialsFrom(pdir);
    expect(failure(() => t.renderString('x {{> bad}}', vars, where)).message).toBe(`${join(pdir, 'bad.hbs')}:2:3: undefined variable 'oops' in template`);
  });

  it('a broken file in templates/ that nothing includes breaks nothing; included, it fails with its position', () => {
    const pdir = mkdtempSync(join(tmpdir(), 'oasis-partials-'));
    writeFileSync(join(pdir, 'old.j2'), 'leftover\n{% if x %}y{% endif %}\n');
    writeFileSync(join(pdir, 'good.hbs'), '[{{title}}]');
    t.registerPartialsFrom(pdir);
    expect(t.renderString('{{> good title="ok"}}', vars)).toBe('[ok]');
    expect(failure(() => t.renderString('x {{> old}}', vars)).message).toContain(join(pdir, 'old.j2'));
  });

  it('reports a missing partial', () => {
    expect(failure(() => t.renderString('x {{> nowhere}}', vars)).message).toContain("partial 'nowhere' not found");
  });

  it('keeps partials per engine', () => {
    const pdir = mkdtempSync(join(tmpdir(), 'oasis-partials-'));
    writeFileSync(join(pdir, 'only-here.hbs'), 'here');
    t.registerPartialsFrom(pdir);
    expect(t.renderString('{{> only-here}}', vars)).toBe('here');
    expect(() => new TemplateEngine().renderString('{{> only-here}}', vars)).toThrow("partial 'only-here' not found");
  });
});

describe('check', () => {
  it('finds syntax errors without rendering', () => {
    expect(t.check('{{ anything.at.all }}')).toBeUndefined();
    expect(t.check('x {{join xs ","}}')).toBeUndefined();
    expect(t.check('x {{#if a}}')?.kind).toBe('syntax');
    expect(t.check('x {{nohelper a}}')?.message).toContain("unknown helper 'nohelper'");
    expect(t.check("x {{ a | default('b') }}")?.message).toContain('{{default value fallback}}');
  });
});
