/**
 * The variables a template or condition reads for sure. Conservative on purpose: names read
 * only on one side of `and`/`or`/`if`, inside {{#if}}/{{#each}} bodies, or through
 * `default`/`is defined` are not counted, so a report is never about a guarded name.
 */
import Handlebars from 'handlebars';
import { FILTERS, TESTS, type Node } from '../expr/index.js';
import { ExpressionEvaluator } from '../expr/index.js';
import { GLOBALS } from '../expr/interpret.js';
import { HELPER_SPECS } from '../template/helpers/index.js';
import { LENIENT_HELPERS } from '../template/rewrite.js';

export interface Refs {
  /** Root names read unconditionally. */
  used: Set<string>;
  /** Names tested with `is defined` or given a `default`: the author knows they may be missing. */
  guarded: Set<string>;
  /** Where each used name is first read in a handlebars template (1-based line, 0-based column). */
  where?: Map<string, { line: number; column: number }>;
  /** Filters, tests and functions that do not exist. */
  unknown: { kind: 'filter' | 'test' | 'function'; name: string }[];
}

// The engine's rule for "a value that is exactly one {{ expr }}" (src/template/engine.ts).
const SINGLE = /^\s*\{\{(?![{#/^!>&~*]|\s*(?:else\b|this\b|\.))((?:(?!\{\{|\}\})[\s\S])*)\}\}\s*$/;
const BUILTIN_HELPERS = ['if', 'unless', 'each', 'with', 'lookup', 'log'];
export const HELPER_NAMES = new Set([...HELPER_SPECS.map((h) => h.name), ...BUILTIN_HELPERS]);

const evaluator = new ExpressionEvaluator();
const empty = (): Refs => ({ used: new Set(), guarded: new Set(), unknown: [] });

/** A condition (`when:`): a Jinja expression, with or without {{ }}. Undefined if it does not parse. */
export function refsOfExpression(text: string): Refs | undefined {
  let node: Node;
  try {
    node = evaluator.parse(text);
  } catch {
    return undefined;
  }
  const refs = empty();
  walkExpr(node, refs, false);
  return refs;
}

/** A playbook string; undefined when it does not parse (the syntax check reports that). */
export function refsOfTemplate(text: string): Refs | undefined {
  if (!text.includes('{{')) return empty();
  if (SINGLE.test(text)) {
    const refs = refsOfExpression(text);
    if (refs) {
      // `{{abs -3}}` parses as an expression too: a helper's name is a helper call.
      for (const n of refs.used) if (HELPER_NAMES.has(n)) refs.used.delete(n);
      return refs;
    }
  }
  return refsOfHandlebars(text);
}

/** A template file: always handlebars, even when it is one `{{ }}`. Undefined when it does not parse. */
export function refsOfHandlebars(text: string): Refs | undefined {
  let ast: hbs.AST.Program;
  try {
    ast = Handlebars.parse(text);
  } catch {
    return undefined;
  }
  const refs: Refs = { ...empty(), where: new Map() };
  for (const s of ast.body) walkStatement(s as unknown as HbNode, refs);
  return refs;
}

function rootOf(n: Node): string | undefined {
  if (n.kind === 'name') return n.name;
  if (n.kind === 'attr' || n.kind === 'index' || n.kind === 'slice') return rootOf(n.object);
  return undefined;
}

function walkExpr(n: Node, refs: Refs, guarded: boolean): void {
  const walk = (c: Node | undefined) => c && walkExpr(c, refs, guarded);
  switch (n.kind) {
    case 'name':
      (guarded ? refs.guarded : refs.used).add(n.name);
      return;
    case 'attr':
      return walk(n.object);
    case 'index':
      walk(n.object);
      return walk(n.index);
    case 'slice':
      [n.object, n.start, n.stop, n.step].forEach(walk);
      return;
    case 'call':
      // `range(3)`, `lookup(...)`: the callee is a function, not a variable; no data holds a function.
      if (n.callee.kind !== 'name') walk(n.callee);
      else if (!Object.hasOwn(GLOBALS, n.callee.name)) refs.unknown.push({ kind: 'function', name: n.callee.name });
      n.args.forEach(walk);
      n.kwargs.forEach(([, v]) => walk(v));
      return;
    case 'list':
      n.items.forEach(walk);
      return;
    case 'dict':
      n.entries.forEach(([k, v]) => (walk(k), walk(v)));
      return;
    case 'unary':
      return walk(n.operand);
    case 'binary':
      walk(n.left);
      return walk(n.right);
    case 'logical':
      // The right side may never be evaluated (`x is defined and x > 1`).
      walk(n.left);
      return walkExpr(n.right, refs, true);
    case 'conditional':
      walk(n.test);
      walkExpr(n.then, refs, true);
      if (n.otherwise) walkExpr(n.otherwise, refs, true);
      return;
    case 'filter':
    case 'test': {
      const table = n.kind === 'filter' ? FILTERS : TESTS;
      if (!Object.hasOwn(table, n.name)) refs.unknown.push({ kind: n.kind, name: n.name });
      const lenient = Object.hasOwn(table, n.name) && (table[n.name] as { lenient?: boolean }).lenient === true;
      if (lenient) {
        const root = rootOf(n.operand);
        if (root) refs.guarded.add(root);
      }
      walkExpr(n.operand, refs, guarded || lenient);
      n.args.forEach(walk);
      n.kwargs.forEach(([, v]) => walk(v));
      return;
    }
    default:
      return;
  }
}

// Structural view of the handlebars AST, as in src/template/rewrite.ts.
interface HbNode {
  type: string;
  path?: HbNode;
  params?: HbNode[];
  hash?: { pairs: { value: HbNode }[] };
  parts?: string[];
  data?: boolean;
  depth?: number;
  original?: string;
  loc?: { start: { line: number; column: number } };
}

function walkStatement(s: HbNode, refs: Refs): void {
  if (s.type === 'MustacheStatement') return walkCall(s, refs);
  if (s.type !== 'BlockStatement') return;
  // {{#each xs}} reads xs for sure; {{#if x}} may test a missing x. Bodies are not followed:
  // they may change the context or never run.
  const name = s.path?.parts?.[0];
  if (name === 'if' || name === 'unless') return;
  for (const p of s.params ?? []) walkHbExpr(p, refs, false);
}

function walkCall(s: HbNode, refs: Refs): void {
  const hasArgs = (s.params?.length ?? 0) > 0 || s.hash !== undefined;
  // `{{name}}` alone is a variable; `(name)` is always a helper call.
  if (!hasArgs && s.type !== 'SubExpression') return walkHbExpr(s.path!, refs, false);
  const lenient = LENIENT_HELPERS.has(s.path?.parts?.[0] ?? '');
  (s.params ?? []).forEach((p, i) => walkHbExpr(p, refs, lenient && i === 0));
  for (const pair of s.hash?.pairs ?? []) walkHbExpr(pair.value, refs, false);
}

function walkHbExpr(e: HbNode, refs: Refs, guarded: boolean): void {
  if (e.type === 'SubExpression') return walkCall(e, refs);
  if (e.type !== 'PathExpression' || e.data || (e.depth ?? 0) > 0) return;
  const root = e.parts?.[0];
  if (!root || /^(?:this\b|\.)/.test(e.original ?? '')) return;
  (guarded ? refs.guarded : refs.used).add(root);
  if (!guarded && e.loc && !refs.where?.has(root)) refs.where?.set(root, e.loc.start);
}
