import { describe, expect, it } from 'vitest';
import { TemplateEngine, TemplateError } from '../../src/template/index.js';
import { HELPER_SPECS } from '../../src/template/helpers/index.js';
import { jinjaHabits } from '../../src/template/hints.js';

const vars = { x: 1, y: 2, xs: [1, 2], name: 'web' };

function renderFailure(text: string): string {
  try {
    new TemplateEngine().renderString(text, vars, { file: 'site.yml', line: 3, col: 10 });
  } catch (e) {
    if (e instanceof TemplateError) return e.message;
    throw e;
  }
  throw new Error(`expected '${text}' to fail`);
}

describe('Jinja habits inside a larger string', () => {
  it.each([
    ['value {{ x is defined }}', "Jinja tests ('is defined')", 'write {{defined value}} (in a condition: {{#if (defined value)}})'],
    ['a {{ x is not defined }}', "Jinja tests ('is not defined')", '{{#unless (defined value)}}'],
    ['a {{ x and y }}', "Jinja operators ('and')", 'write {{and a b …}}'],
    ['a {{ x or y }}', "Jinja operators ('or')", 'write {{or a b …}}'],
    ['a {{ x in xs }}', "Jinja operators ('in')", 'write {{contains container item}}'],
    ["a {{ 'a' if x else 'b' }}", "Jinja conditional expressions ('a if c else b')", '{{#if c}}a{{else}}b{{/if}} or {{ternary condition if_true if_false}}'],
    ['a {{ x == 1 }}', "Jinja operators ('==')", 'write {{eq a b}} (in a condition: {{#if (eq a b)}})'],
    ['a {{ x != 1 }}', "Jinja operators ('!=')", 'write {{ne a b}}'],
    ['a {{ x >= 1 }}', "Jinja operators ('>=')", 'write {{ge a b}}'],
    ['a {{ x ~ y }}', "Jinja's '~'", 'write the parts side by side: {{a}}{{b}}'],
    ['a {{ x + y }}', "Jinja operators ('+')", "set a variable to a single '{{ a + b }}'"],
    ['a {{ xs[0] }}', "Jinja indexing ('xs[0]')", 'write xs.[0]'],
    ["a {{ xs['k-1'] }}", "Jinja indexing ('xs['k-1']')", 'write {{lookup xs "k-1"}}'],
    ["a {{ lookup('env', 'HOME') }}", "Ansible lookups ('lookup(…)') are not supported", 'pass the value in a variable'],
    ['a {{ range(3) }}', "Jinja function calls ('range(…)')", 'write {{range start stop step}}'],
    ['a {{#if x == 1}}b{{/if}}', "Jinja operators ('==')", '{{eq a b}}'],
  ])('%s: validate and the run-time error both say what to write', (text, what, write) => {
    const message = renderFailure(text);
    expect(message).toMatch(/^site\.yml:3:\d+: /);
    expect(message).toContain(what);
    expect(message).toContain(write);
    expect(jinjaHabits(text).map((h) => h.message).join('\n')).toContain(write);
  });

  it('reports each habit at its own offset', () => {
    const text = 'a {{ x == 1 }}\nb {{ y | default(2) }} {{ xs[0] }}';
    expect(jinjaHabits(text).map((h) => [h.offset, h.message.slice(0, 30)])).toEqual([
      [7, "Jinja operators ('==') are not"],
      [22, 'Jinja filters are not supporte'],
      [41, "Jinja indexing ('xs[0]') is no"],
    ]);
  });

  it('a Jinja comment is refused, with the handlebars comment to write', () => {
    expect(renderFailure('a {{name}} {# note #} b')).toBe(
      "site.yml:3:21: template syntax error: Jinja comments ('{# … #}') would be copied to the output: write {{!-- … --}}",
    );
    // Shell's ${#arr[@]} is not a comment.
    expect(new TemplateEngine().renderString('n=${#xs[@]} {{name}} #}', vars)).toBe('n=${#xs[@]} web #}');
  });

  it('finds nothing in valid handlebars: helper calls, blocks, hash arguments, paths', () => {
    const valid = [
      '{{or a b}} {{not x}} {{and a b}} {{abs -3}} {{../x}} {{xs.[0]}} {{[odd key]}} {{lookup groups "a-b"}}',
      '{{#each users as |u i|}}{{u.name}}{{/each}} {{#if (and a (eq b "x == y"))}}{{else if (not c)}}{{/if}}',
      '{{sort users attribute="name" reverse=false}} {{!-- {{ x | y }} --}} {{~ x ~}} {{> part}}',
      ...HELPER_SPECS.map((h) => h.example),
    ];
    for (const text of valid) expect(jinjaHabits(text), text).toEqual([]);
  });
});
