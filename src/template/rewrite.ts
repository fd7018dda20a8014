/**
 * Rewrites a parsed handlebars template before compiling it, so that:
 *  - every variable path goes through `__path`, which reads own properties only and names
 *    the full path when it is undefined (handlebars' strict mode misses `a.b.c` with `a`
 *    undefined, and lets helper arguments be undefined silently);
 *  - arguments of `default`, `defined` and `mandatory` may be undefined (Ansible semantics);
 *  - every `{{ }}` output goes through `__out`, which prints lists and dicts as JSON and
 *    keeps the native value when the template is a single expression;
 *  - an unknown helper is an error at compile time, with its position.
 */
import { LocatedFailure, type HbLoc } from './errors.js';

/** Helpers whose arguments may be undefined. */
export const LENIENT_HELPERS = new Set(['default', 'defined', 'mandatory']);
export const PATH_HELPER = '__path';
export const OUT_HELPER = '__out';

// Structural view of the handlebars AST (its bundled types omit fields we need).
interface HbNode {
  type: string;
  loc?: HbLoc;
}
interface PathNode extends HbNode {
  type: 'PathExpression';
  data: boolean;
  depth: number;
  parts: string[];
  original: string;
}
interface Hash extends HbNode {
  pairs: { type: 'HashPair'; key: string; value: HbNode; loc?: HbLoc }[];
}
interface CallNode extends HbNode {
  path: HbNode;
  params: HbNode[];
  hash?: Hash;
}
interface ProgramNode extends HbNode {
  body: HbNode[];
  blockParams?: string[];
}
interface BlockNode extends CallNode {
  program?: ProgramNode;
  inverse?: ProgramNode;
}
interface PartialNode extends HbNode {
  params: HbNode[];
  hash?: Hash;
  program?: ProgramNode;
}

const isPath = (n: HbNode): n is PathNode => n.type === 'PathExpression';
const str = (value: string, loc?: HbLoc): HbNode => ({ type: 'StringLiteral', value, original: value, loc }) as HbNode;
const bool = (value: boolean, loc?: HbLoc): HbNode => ({ type: 'BooleanLiteral', value, original: value, loc }) as HbNode;
const helperPath = (name: string, loc?: HbLoc): PathNode => ({ type: 'PathExpression', data: false, depth: 0, parts: [name], original: name, loc });

export interface RewriteResult {
  /** The template is one `{{ }}` and whitespace: its value can be returned natively. */
  single: boolean;
  /** Every helper the compiled template may call (the rewrite's own included). */
  helpers: Set<string>;
  /** It uses partials or decorators, which come from the environment too. */
  usesPartials: boolean;
}

export class TemplateRewriter {
  private readonly blockParams: string[][] = [];
  private readonly helpers = new Set<string>();
  private usesPartials = false;

  constructor(private readonly isHelper: (name: string) => boolean) {}

  rewrite(program: unknown): RewriteResult {
    const p = program as ProgramNode;
    this.program(p);
    const significant = p.body.filter((s) => !(s.type === 'ContentStatement' && /^\s*$/.test((s as unknown as { value: string }).value)));
    return { single: significant.length === 1 && significant[0]!.type === 'MustacheStatement', helpers: this.helpers, usesPartials: this.usesPartials };
  }

  private program(p: ProgramNode | undefined): void {
    if (!p) return;
    this.blockParams.push(p.blockParams ?? []);
    for (const s of p.body) this.statement(s);
    this.blockParams.pop();
  }

  private statement(s: HbNode): void {
    switch (s.type) {
      case 'MustacheStatement':
        return this.mustache(s as CallNode);
      case 'BlockStatement': {
        const b = s as BlockNode;
        if (b.params.length || b.hash) this.call(b, 'block');
        // `{{#name}}` alone: a helper if there is one by that name, else a section over a variable.
        else if (isPath(b.path)) this.helpers.add(b.path.original);
        this.program(b.program);
        this.program(b.inverse);
        return;
      }
      case 'PartialStatement':
      case 'PartialBlockStatement': {
        const p = s as PartialNode;
        this.usesPartials = true;
        p.params = p.params.map((x) => this.expr(x, true));
        if (p.hash) for (const pair of p.hash.pairs) pair.value = this.expr(pair.value, true);
        this.program(p.program);
        return;
      }
      case 'Decorator':
      case 'DecoratorBlock':
        this.usesPartials = true;
        return;
      default:
        return;
    }
  }

  /** `{{x}}` → `{{__out (__path …)}}`; `{{helper a b}}` → `{{__out (helper a' b')}}`. */
  private mustache(m: CallNode): void {
    let value: HbNode;
    if (m.params.length || m.hash) {
      this.call(m, 'helper');
      value = { type: 'SubExpression', path: m.path, params: m.params, hash: m.hash, loc: m.loc } as HbNode;
    } else {
      // A bare name is always a variable, even if a helper has that name (`{{first}}`).
      value = isPath(m.path) ? this.value(m.path, true) : m.path;
    }
    this.helpers.add(OUT_HELPER);
    m.path = helperPath(OUT_HELPER, m.loc);
    m.params = [value];
    m.hash = undefined;
  }

  /** Checks the helper exists and rewrites its arguments. */
  private call(node: CallNode, what: 'helper' | 'block'): void {
    const path = node.path;
    if (!isPath(path) || path.data || path.depth > 0 || path.parts.length !== 1 || !this.isHelper(path.parts[0]!)) {
      const name = isPath(path) ? path.original : '?';
      throw new LocatedFailure(`unknown ${what === 'block' ? 'block helper' : 'helper'} '${name}'`, 'syntax', path.loc ?? node.loc);
    }
    const name = path.parts[0]!;
    this.helpers.add(name);
    const strict = !LENIENT_HELPERS.has(name);
    const first = node.params[0];
    node.params = node.params.map((p) => this.expr(p, strict));
    if (node.hash) for (const pair of node.hash.pairs) pair.value = this.expr(pair.value, strict);
    // `mandatory` names the missing variable in its message.
    if (name === 'mandatory' && first && isPath(first)) {
      node.hash ??= { type: 'Hash', pairs: [], loc: node.loc };
      node.hash.pairs.push({ type: 'HashPair', key: '__name', value: str(first.original), loc: node.loc });
    }
  }

  private expr(e: HbNode, strict: boolean): HbNode {
    if (isPath(e)) return this.value(e, strict);
    if (e.type === 'SubExpression') this.call(e as CallNode, 'helper');
    return e;
  }

  /** A variable reference → `(__path strict "label" root "k1" "k2" …)`. */
  private value(path: PathNode, strict: boolean): HbNode {
    const { parts, depth, loc } = path;
    if (parts.length === 0) return path; // `this`, `.`, `..`
    // `label` prefixes the keys in messages: "undefined variable '../x.y'".
    let root: PathNode;
    let label: string;
    let keys: string[];
    if (path.data) {
      if (parts.length === 1) return path; // @index, @key, @root
      root = { ...path, parts: [parts[0]!], original: `@${parts[0]}` };
      label = `@${parts[0]}.`;
      keys = parts.slice(1);
    } else if (depth === 0 && !/^(\.|this\b)/.test(path.original) && this.blockParams.some((bp) => bp.includes(parts[0]!))) {
      if (parts.length === 1) return path; // a block param is always defined
      root = { ...path, parts: [parts[0]!], original: parts[0]! };
      label = `${parts[0]}.`;
      keys = parts.slice(1);
    } else {
      // The context object itself (`this`, or `..` for ../x), then every part as a key.
      root = { type: 'PathExpression', data: false, depth, parts: [], original: depth ? '../'.repeat(depth) : 'this', loc };
      label = '../'.repeat(depth);
      keys = parts;
    }
    this.helpers.add(PATH_HELPER);
    return {
      type: 'SubExpression',
      path: helperPath(PATH_HELPER, loc),
      params: [bool(strict, loc), str(label, loc), root, ...keys.map((k) => str(k, loc))],
      loc,
    } as HbNode;
  }
}
