/**
 * Advice for Jinja habits in handlebars templates: `x | default('y')` → `{{default x "y"}}`,
 * `x == 1` → `{{eq x 1}}`, `{% if %}` → `{{#if}}`. Every suggestion names a helper that exists.
 */
import { HELPER_SPECS } from './helpers/index.js';

function hints(): Record<string, string> {
  const out: Record<string, string> = {};
  for (const spec of HELPER_SPECS) {
    const filter = /^\w+ \| (\w+)/.exec(spec.jinja ?? '')?.[1];
    if (filter && !spec.builtin) out[filter] = spec.usage;
  }
  // Jinja names with a differently named (or shaped) helper.
  Object.assign(out, {
    d: out.default!,
    count: out.length!,
    map: '{{map_attr list "attribute"}}',
    selectattr: '{{select_attr list "attribute" value}}',
    rejectattr: '{{#each list}}{{#unless attribute}}…{{/unless}}{{/each}}',
  });
  return out;
}

/** Jinja filter name → the helper call to write instead. */
export const JINJA_FILTER_HINTS: Record<string, string> = hints();

/** Helper name → how to call it (handlebars' own block helpers left out). */
const FUNCTIONS: Record<string, string> = Object.fromEntries(HELPER_SPECS.filter((h) => !h.builtin).map((h) => [h.name, h.usage]));

/** The usage of a helper; called at load time only, so a hint naming a missing helper fails there. */
function helper(name: string): string {
  const usage = FUNCTIONS[name];
  if (usage === undefined) throw new Error(`hints.ts names a helper that does not exist: '${name}'`);
  return usage;
}

/** In a condition, a helper is a sub-expression: `{{eq a b}}` → `{{#if (eq a b)}}`. */
const inIf = (usage: string) => `${usage} (in a condition: {{#if ${usage.replace(/^\{\{(.*)\}\}$/, '($1)')}}})`;

/**
 * What handlebars would print as text, so the engine refuses it: a `{% … %}` statement, or a
 * `{# … #}` comment (not `${#arr[@]}`, shell's length of an array).
 */
export const JINJA_STATEMENT = /\{%-?\s*(if|elif|else|endif|for|endfor|set|raw|endraw|macro|endmacro|block|include)\b|(?<!\$)\{#[\s\S]*?#\}/;

const STATEMENT_HINTS: Record<string, string> = {
  if: '{{#if cond}}…{{else}}…{{/if}}',
  elif: '{{#if a}}…{{else if b}}…{{/if}}',
  else: '{{else}}',
  endif: '{{/if}}',
  for: '{{#each list}}…{{this}}…{{/each}}',
  endfor: '{{/each}}',
};

/** Whether a playbook string is rendered at all: it has `{{`, or Jinja that must be refused (`{% %}`, `{# #}`). */
export function looksTemplated(text: string): boolean {
  return text.includes('{{') || text.includes('{%') || text.includes('{#');
}

/** One Jinja habit in a template: where it starts (0-based offset into the text) and what to write instead. */
export interface JinjaHabit {
  offset: number;
  message: string;
  /** Statements and comments: refused before handlebars parses the text. */
  refused?: boolean;
  /** The `{{ … }}` the habit is in. */
  within?: { start: number; end: number };
}

const INSIDE = 'are not supported inside a larger string';

/** Ansible's lookup functions, which have no counterpart here, and what to do instead. */
export const LOOKUPS = new Set(['lookup', 'query', 'q']);
export const LOOKUP_ADVICE = 'pass the value in a variable (vars, the inventory or -e)';
const COMPARISONS: Record<string, string> = { '==': helper('eq'), '!=': helper('ne'), '<': helper('lt'), '<=': helper('le'), '>': helper('gt'), '>=': helper('ge') };
/** Jinja's word operators and `a if c else b` → the helper to write. */
const WORD_HELPERS: Record<string, string> = { and: helper('and'), or: helper('or'), in: helper('contains'), if: helper('ternary') };
const TEST_HINTS: Record<string, string> = {
  defined: inIf(helper('defined')),
  'not defined': `{{#unless (defined value)}}…{{/unless}}`,
  undefined: `{{#unless (defined value)}}…{{/unless}}`,
  none: inIf('{{eq value null}}'),
};
const SIDE_BY_SIDE = 'write the parts side by side: {{a}}{{b}}';

/** A rule over the inside of one `{{ … }}` (string literals blanked): a pattern and its advice. */
interface Rule {
  pattern: RegExp;
  /** `m` matched `body` (blanked); `raw` is the same text with its strings. Undefined: no habit. */
  message: (m: RegExpExecArray, raw: string, block: boolean) => string | undefined;
}

const RULES: Rule[] = [
  {
    pattern: /(?<!\|)\|(?!\|)\s*([A-Za-z_]\w*)/g,
    message: ([, name]) =>
      Object.hasOwn(JINJA_FILTER_HINTS, name!)
        ? `Jinja filters ${INSIDE}: write ${JINJA_FILTER_HINTS[name!]} instead of '| ${name}'`
        : `Jinja filters ('| ${name}') ${INSIDE}: use a helper, e.g. {{default x "y"}} (see docs/templates.md)`,
  },
  {
    pattern: /(?<=\s)is\s+(not\s+)?([A-Za-z_]\w*)/g,
    message: ([, not, name]) => {
      const test = `${not ? 'not ' : ''}${name}`;
      const alt = TEST_HINTS[test];
      return alt
        ? `Jinja tests ('is ${test}') ${INSIDE}: write ${alt}`
        : `Jinja tests ('is ${test}') ${INSIDE}: use a helper (see docs/templates.md), or a variable set to a single '{{ x is ${test} }}'`;
    },
  },
  {
    pattern: /==|!=|<=|>=|<|>/g,
    message: ([op]) => `Jinja operators ('${op}') ${INSIDE}: write ${inIf(COMPARISONS[op]!)}`,
  },
  {
    // A keyword first in `{{ }}` is a helper call (`{{or a b}}`); `not x` works as one too.
    pattern: /(?<=\s|^)(and|or|in|if)(?=\s|\()/g,
    message: ({ 1: word, index }, _raw, block) => {
      if (index === 0 && !block && word !== 'if') return undefined;
      if (word === 'if') return `Jinja conditional expressions ('a if c else b') ${INSIDE}: write {{#if c}}a{{else}}b{{/if}} or ${WORD_HELPERS.if}`;
      return `Jinja operators ('${word}') ${INSIDE}: write ${inIf(WORD_HELPERS[word!]!)}`;
    },
  },
  { pattern: /~/g, message: () => `Jinja's '~' is not supported inside a larger string: ${SIDE_BY_SIDE}` },
  {
    // `-` and `/` only between spaces: `{{abs -3}}` is a number, `a/b` a (legacy) path.
    pattern: /\*\*|\/\/|[+*%]|(?<=\s)[-/](?=\s)/g,
    message: ([op]) => `Jinja operators ('${op}') ${INSIDE}: to join text, write the parts side by side ({{a}}{{b}}); to compute, set a variable to a single '{{ a ${op} b }}'`,
  },
  {
    // `x[0]`, `x['k']`; handlebars writes `x.[0]` (and `[a b]` as a whole segment).
    pattern: /(?<![\w.@])([A-Za-z_@](?:[\w.@]*\w)?)\[/g,
    message: ({ 0: all, 1: base, index }, raw) => {
      const key = /^\[\s*(-?\d+|'[^']*'|"[^"]*")\s*\]/.exec(raw.slice(index + all.length - 1))?.[1];
      const what = `'${base}[${key ?? '…'}]'`;
      if (key === undefined || /^-?\d+$/.test(key)) return `Jinja indexing (${what}) is not supported inside a larger string: write ${base}.[${key ?? '0'}]`;
      return `Jinja indexing (${what}) is not supported inside a larger string: write {{lookup ${base} "${key.slice(1, -1)}"}}`;
    },
  },
  {
    pattern: /(?<!\w)([A-Za-z_]\w*)\(/g,
    message: ({ 1: name, index }, raw) => {
      // `| default(80)` and `is divisibleby(3)` are the filter and test rules' business.
      if (/(?:\||\bis(?:\s+not)?)\s*$/.test(raw.slice(0, index))) return undefined;
      if (LOOKUPS.has(name!)) return `Ansible lookups ('${name}(…)') are not supported: ${LOOKUP_ADVICE}`;
      if (Object.hasOwn(FUNCTIONS, name!)) return `Jinja function calls ('${name}(…)') ${INSIDE}: write ${FUNCTIONS[name!]}`;
      return `Jinja function calls ('${name}(…)') ${INSIDE}: use a helper (see docs/templates.md)`;
    },
  },
];

/** `{{ … }}` with its inside; comments and raw/partial/closing tags are left out by the caller. */
const MUSTACHE = /\{\{(?!\{)([\s\S]*?)\}\}/g;

/** Same-length blanks for what no habit can be in: handlebars comments and string literals. */
const blank = (s: string) => s.replace(/[^\n]/g, ' ');

/** Every Jinja habit in a handlebars template, in text order. */
export function jinjaHabits(text: string): JinjaHabit[] {
  const found: JinjaHabit[] = [];
  for (const m of text.matchAll(new RegExp(JINJA_STATEMENT.source, 'g'))) {
    if (m[1] === undefined) {
      found.push({ offset: m.index, refused: true, message: "Jinja comments ('{# … #}') would be copied to the output: write {{!-- … --}}" });
      continue;
    }
    const alt = STATEMENT_HINTS[m[1]];
    found.push({ offset: m.index, refused: true, message: `Jinja statements like '{% ${m[1]} %}' are not supported${alt ? `: write ${alt}` : ''}` });
  }
  const visible = text.replace(/\{\{!--[\s\S]*?--\}\}|\{\{![\s\S]*?\}\}/g, blank);
  for (const m of visible.matchAll(MUSTACHE)) found.push(...habitsInMustache(m[1]!, m.index + 2, { start: m.index, end: m.index + m[0].length }));
  return found.sort((a, b) => a.offset - b.offset);
}

function habitsInMustache(inside: string, base: number, within: { start: number; end: number }): JinjaHabit[] {
  // Whitespace control, then what the tag is: `{{#if …}}` and `{{else if …}}` test an expression too.
  const head = /^~?\s*(?:([#^])\s*[\w-]+|else\s+if\b|&)?\s*/.exec(inside)!;
  if (/^~?\s*(?:[/>!]|#[>*]|else\s*~?$)/.test(inside)) return [];
  const block = head[1] !== undefined || /else\s+if/.test(head[0]);
  const start = head[0].length;
  const raw = inside.slice(start).replace(/~\s*$/, '').replace(/\bas\s+\|[^|]*\|/, blank);
  const body = raw.replace(/'(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*"/g, (s) => `${s[0]}${blank(s.slice(2))}${s[0]}`);
  const out: JinjaHabit[] = [];
  for (const rule of RULES) {
    for (const m of body.matchAll(rule.pattern)) {
      const message = rule.message(m as RegExpExecArray, raw, block);
      if (message) out.push({ offset: base + start + m.index, message, within });
    }
  }
  return out;
}

/**
 * What to tell someone whose template failed to parse and looks like Jinja: a refused statement
 * first, else the habit in the `{{ }}` at `near` (an offset), else the closest one.
 */
export function jinjaHint(text: string, near?: number): string | undefined {
  const all = jinjaHabits(text);
  const refused = all.find((h) => h.refused);
  if (refused || near === undefined) return (refused ?? all[0])?.message;
  const inSame = all.find((h) => h.within && h.within.start <= near && near < h.within.end);
  const closest = [...all].sort((a, b) => Math.abs(a.offset - near) - Math.abs(b.offset - near))[0];
  return (inSame ?? closest)?.message;
}
