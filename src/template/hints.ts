/** Advice for Jinja habits in handlebars templates: `x | default('y')` → `{{default x "y"}}`. */
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

/** A `{% … %}` Jinja statement: handlebars would print it as text, so we refuse it. */
export const JINJA_STATEMENT = /\{%-?\s*(if|elif|else|endif|for|endfor|set|raw|endraw|macro|endmacro|block|include)\b/;

const STATEMENT_HINTS: Record<string, string> = {
  if: '{{#if cond}}…{{else}}…{{/if}}',
  elif: '{{#if a}}…{{else if b}}…{{/if}}',
  else: '{{else}}',
  endif: '{{/if}}',
  for: '{{#each list}}…{{this}}…{{/each}}',
  endfor: '{{/each}}',
};

/** One Jinja habit in a template: where it starts (0-based offset into the text) and what to write instead. */
export interface JinjaHabit {
  offset: number;
  message: string;
}

/** Every Jinja statement and every filter inside a larger string, in text order. */
export function jinjaHabits(text: string): JinjaHabit[] {
  const found: JinjaHabit[] = [];
  for (const m of text.matchAll(new RegExp(JINJA_STATEMENT.source, 'g'))) {
    const alt = STATEMENT_HINTS[m[1]!];
    found.push({ offset: m.index, message: `Jinja statements like '{% ${m[1]} %}' are not supported${alt ? `: write ${alt}` : ''}` });
  }
  for (const m of text.matchAll(/\{\{[^}]*?\|\s*([A-Za-z_]\w*)/g)) {
    const name = m[1]!;
    const message = Object.hasOwn(JINJA_FILTER_HINTS, name)
      ? `Jinja filters are not supported inside a larger string: write ${JINJA_FILTER_HINTS[name]} instead of '| ${name}'`
      : `Jinja filters ('| ${name}') are not supported inside a larger string: use a helper, e.g. {{default x "y"}} (see docs/templates.md)`;
    found.push({ offset: m.index, message });
  }
  return found.sort((a, b) => a.offset - b.offset);
}

/** What to tell someone whose template failed to parse and looks like Jinja (statements first). */
export function jinjaHint(text: string): string | undefined {
  const all = jinjaHabits(text);
  return (all.find((h) => h.message.startsWith('Jinja statements')) ?? all[0])?.message;
}
