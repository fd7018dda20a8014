/** Checks one templated string or condition of a playbook: syntax, filters, variables read. */
import { ExprError, ExpressionEvaluator, FILTERS, TESTS } from '../expr/index.js';
import { GLOBALS } from '../expr/interpret.js';
import type { SourcePos } from '../model/source.js';
import { didYouMean } from '../config/suggest.js';
import { JINJA_FILTER_HINTS, LOOKUP_ADVICE, LOOKUPS, looksTemplated } from '../template/hints.js';
import type { ValidateCtx } from './context.js';
import { refsOfExpression, refsOfTemplate, type Refs } from './names.js';
import type { VarScope } from './scope.js';

/** Where a string is used: whether its task may not run, and names known to be guarded. */
export interface UseSite {
  ctx: ValidateCtx;
  scope?: VarScope;
  conditional: boolean;
  guarded: ReadonlySet<string>;
}

const evaluator = new ExpressionEvaluator();

/** A value rendered at run time (module argument, loop, delegate_to...). */
export function useTemplate(site: UseSite, text: string, pos: SourcePos, opts: { track?: boolean } = {}): void {
  if (!looksTemplated(text)) return;
  const err = site.ctx.templates.check(text, pos);
  if (err) return site.ctx.out.error(pos, err.reason);
  const refs = refsOfTemplate(text);
  if (!refs) return;
  unknownNames(site, refs, pos);
  if (opts.track !== false) site.scope?.use(refs, pos, site.conditional, site.guarded);
}

/** A condition (when, changed_when, assert's that...): a string, a boolean or a list of them. */
export function useCondition(site: UseSite, value: unknown, pos: SourcePos, itemPos?: (i: number) => SourcePos | undefined): Set<string> {
  const guards = new Set<string>();
  const list = Array.isArray(value) ? value : [value];
  list.forEach((c, i) => {
    if (typeof c !== 'string') return;
    const at = (Array.isArray(value) ? itemPos?.(i) : undefined) ?? pos;
    const refs = refsOfExpression(c);
    if (!refs) return site.ctx.out.error(at, `invalid condition '${short(c)}': ${parseReason(c)}`);
    unknownNames(site, refs, at);
    site.scope?.use(refs, at, site.conditional, site.guarded);
    for (const g of refs.guarded) guards.add(g);
  });
  return guards;
}

function unknownNames(site: UseSite, refs: Refs, pos: SourcePos): void {
  for (const u of refs.unknown) site.ctx.out.error(pos, `unknown ${u.kind} '${u.name}'${advice(u)}`);
}

function advice(u: Refs['unknown'][number]): string {
  if (u.kind === 'filter' && Object.hasOwn(JINJA_FILTER_HINTS, u.name)) return `; write ${JINJA_FILTER_HINTS[u.name]} instead`;
  if (u.kind === 'function' && LOOKUPS.has(u.name)) return `; Ansible lookups are not supported: ${LOOKUP_ADVICE}`;
  return didYouMean(u.name, Object.keys(u.kind === 'filter' ? FILTERS : u.kind === 'test' ? TESTS : GLOBALS));
}

function parseReason(text: string): string {
  try {
    evaluator.parse(text);
    return 'invalid expression';
  } catch (e) {
    return e instanceof ExprError ? e.reason : 'invalid expression';
  }
}

function short(s: string): string {
  const one = s.replace(/\s+/g, ' ').trim();
  return one.length > 60 ? `${one.slice(0, 60)}…` : one;
}
