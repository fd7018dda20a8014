/**
 * Recursive-descent parser for the Jinja expression subset used in `when:` and `{{ }}`.
 * Precedence follows Jinja's own parser, lowest first:
 *   x if c else y · or · and · not · comparisons/in · + - · ~ · * / // % · ** · unary -
 *   · postfix (.a [i] (args)) · filters `|` and tests `is`.
 */
import type { BinaryOp, Call, Node } from './ast.js';
import { ExprError } from './errors.js';
import { tokenize, type Token } from './tokenizer.js';

const COMPARE_OPS = new Set(['==', '!=', '<', '<=', '>', '>=']);
const CONSTANTS: Record<string, unknown> = { true: true, True: true, false: false, False: false, none: null, None: null, null: null };
/** Words that end an argument-less test (`x is defined and y`). */
const STOP_WORDS = new Set(['and', 'or', 'else', 'if', 'is', 'in', 'not']);
const MAX_DEPTH = 100;

export function parse(src: string): Node {
  return new Parser(src).parseAll();
}

class Parser {
  private readonly tokens: Token[];
  private pos = 0;
  private depth = 0;

  constructor(private readonly src: string) {
    this.tokens = tokenize(src);
  }

  parseAll(): Node {
    if (this.peek().type === 'eof') throw new ExprError('empty expression', 0, this.src, 'syntax');
    const node = this.parseExpression();
    if (this.peek().type !== 'eof') this.unexpected();
    return node;
  }

  // ---- token helpers ----

  private peek(ahead = 0): Token {
    return this.tokens[Math.min(this.pos + ahead, this.tokens.length - 1)]!;
  }

  private next(): Token {
    const t = this.peek();
    if (t.type !== 'eof') this.pos++;
    return t;
  }

  private isOp(text: string, ahead = 0): boolean {
    const t = this.peek(ahead);
    return t.type === 'op' && t.text === text;
  }

  private isWord(text: string, ahead = 0): boolean {
    const t = this.peek(ahead);
    return t.type === 'name' && t.text === text;
  }

  private expectOp(text: string): Token {
    if (!this.isOp(text)) this.unexpected(`expected '${text}'`);
    return this.next();
  }

  private expectName(): Token {
    if (this.peek().type !== 'name') this.unexpected('expected a name');
    return this.next();
  }

  private unexpected(hint?: string): never {
    const t = this.peek();
    const what = t.type === 'eof' ? 'unexpected end of expression' : `unexpected token '${t.text}'`;
    throw new ExprError(hint ? `${what} (${hint})` : what, t.at, this.src, 'syntax');
  }

  private span<T extends object>(start: number, node: T): T & { at: number; end: number } {
    const prev = this.tokens[this.pos - 1];
    return { ...node, at: start, end: prev ? prev.end : start };
  }

  // ---- grammar, lowest precedence first ----

  /** Nesting recurses: refuse absurd depth with a position, before the JS stack overflows. */
  private nested<T>(parse: () => T): T {
    if (++this.depth > MAX_DEPTH) throw new ExprError('expression nested too deeply', this.peek().at, this.src, 'syntax');
    try {
      return parse();
    } finally {
      this.depth--;
    }
  }

  private parseExpression(): Node {
    return this.nested(() => this.parseConditional());
  }

  private parseConditional(): Node {
    const start = this.peek().at;
    const value = this.parseOr();
    if (!this.isWord('if')) return value;
    this.next();
    const test = this.parseOr();
    let otherwise: Node | undefined;
    if (this.isWord('else')) {
      this.next();
      otherwise = this.parseExpression();
    }
    return this.span(start, { kind: 'conditional', test, then: value, otherwise });
  }

  private parseOr(): Node {
    let left = this.parseAnd();
    while (this.isWord('or')) {
      this.next();
      left = this.span(left.at, { kind: 'logical', op: 'or', left, right: this.parseAnd() });
    }
    return left;
  }

  private parseAnd(): Node {
    let left = this.parseNot();
    while (this.isWord('and')) {
      this.next();
      left = this.span(left.at, { kind: 'logical', op: 'and', left, right: this.parseNot() });
    }
    return left;
  }

  private parseNot(): Node {
    if (this.isWord('not')) {
      const start = this.next().at;
      return this.span(start, { kind: 'unary', op: 'not', operand: this.nested(() => this.parseNot()) });
    }
    return this.parseCompare();
  }

  private compareOp(): BinaryOp | undefined {
    const t = this.peek();
    if (t.type === 'op' && COMPARE_OPS.has(t.text)) return t.text as BinaryOp;
    if (this.isWord('in')) return 'in';
    if (this.isWord('not') && this.isWord('in', 1)) return 'not in';
    return undefined;
  }

  private parseCompare(): Node {
    const left = this.parseMath1();
    const op = this.compareOp();
    if (!op) return left;
    this.next();
    if (op === 'not in') this.next();
    const right = this.parseMath1();
    const node = this.span(left.at, { kind: 'binary' as const, op, left, right });
    if (this.compareOp()) {
      throw new ExprError(
        "chained comparisons are not supported: write 'a < b and b < c'",
        this.peek().at,
        this.src,
        'syntax',
      );
    }
    return node;
  }

  private parseBinary(ops: string[], operand: () => Node): Node {
    let left = operand();
    for (;;) {
      const t = this.peek();
      if (t.type !== 'op' || !ops.includes(t.text)) return left;
      this.next();
      left = this.span(left.at, { kind: 'binary', op: t.text as BinaryOp, left, right: operand() });
    }
  }

  private parseMath1(): Node {
    return this.parseBinary(['+', '-'], () => this.parseConcat());
  }

  private parseConcat(): Node {
    return this.parseBinary(['~'], () => this.parseMath2());
  }

  private parseMath2(): Node {
    return this.parseBinary(['*', '/', '//', '%'], () => this.parsePow());
  }

  private parsePow(): Node {
    return this.parseBinary(['**'], () => this.parseUnary(true));
  }

  private parseUnary(withFilters: boolean): Node {
    const t = this.peek();
    let node: Node;
    if (t.type === 'op' && (t.text === '-' || t.text === '+')) {
      this.next();
      node = this.span(t.at, { kind: 'unary', op: t.text, operand: this.nested(() => this.parseUnary(false)) });
    } else {
      node = this.parsePostfix(this.parsePrimary());
    }
    return withFilters ? this.parseFiltersAndTests(node) : node;
  }

  private parsePrimary(): Node {
    const t = this.peek();
    if (t.type === 'eof' || (t.type === 'name' && STOP_WORDS.has(t.text))) this.unexpected();
    this.next();
    switch (t.type) {
      case 'num':
        return { kind: 'literal', value: t.value, at: t.at, end: t.end };
      case 'str': {
        // Adjacent literals concatenate, as in Python and Jinja: 'a' 'b' == 'ab'.
        let value = t.value as string;
        while (this.peek().type === 'str') value += this.next().value as string;
        return this.span(t.at, { kind: 'literal', value });
      }
      case 'name':
        if (Object.hasOwn(CONSTANTS, t.text)) return { kind: 'literal', value: CONSTANTS[t.text], at: t.at, end: t.end };
        return { kind: 'name', name: t.text, at: t.at, end: t.end };
      case 'op':
        if (t.text === '(') return this.parseParenthesized(t);
        if (t.text === '[') return this.span(t.at, { kind: 'list', items: this.parseItems(']') });
        if (t.text === '{') return this.parseDict(t);
        break;
      default:
        break;
    }
    this.pos--;
    return this.unexpected();
  }

  /** `(x)` is grouping; `(x, y)` and `()` are tuples, which we treat as lists. */
  private parseParenthesized(open: Token): Node {
    if (this.isOp(')')) {
      this.next();
      return this.span(open.at, { kind: 'list', items: [] });
    }
    const first = this.parseExpression();
    if (this.isOp(')')) {
      this.next();
      return first;
    }
    this.expectOp(',');
    const items = [first, ...this.parseItems(')')];
    return this.span(open.at, { kind: 'list', items });
  }

  /** Comma-separated expressions up to `close` (trailing comma allowed); consumes `close`. */
  private parseItems(close: string): Node[] {
    const items: Node[] = [];
    while (!this.isOp(close)) {
      items.push(this.parseExpression());
      if (!this.isOp(close)) this.expectOp(',');
    }
    this.next();
    return items;
  }

  private parseDict(open: Token): Node {
    const entries: [Node, Node][] = [];
    while (!this.isOp('}')) {
      const key = this.parseExpression();
      this.expectOp(':');
      entries.push([key, this.parseExpression()]);
      if (!this.isOp('}')) this.expectOp(',');
    }
    this.next();
    return this.span(open.at, { kind: 'dict', entries });
  }

  private parsePostfix(node: Node): Node {
    for (;;) {
      if (this.isOp('.')) {
        this.next();
        const t = this.peek();
        const isIndex = t.type === 'num' && /^\d+$/.test(t.text);
        if (!isIndex && t.type !== 'name') this.unexpected('expected an attribute name after "."');
        this.next();
        // `xs.0` is Jinja for xs[0].
        node = isIndex
          ? this.span(node.at, { kind: 'index', object: node, index: { kind: 'literal', value: t.value, at: t.at, end: t.end } })
          : this.span(node.at, { kind: 'attr', object: node, name: t.text });
      } else if (this.isOp('[')) {
        this.next();
        node = this.parseSubscript(node);
      } else if (this.isOp('(')) {
        this.next();
        node = this.span(node.at, { kind: 'call', callee: node, ...this.parseCallArgs() });
      } else {
        return node;
      }
    }
  }

  private parseSubscript(object: Node): Node {
    const parts: (Node | undefined)[] = [];
    let current: Node | undefined;
    let colons = 0;
    while (!this.isOp(']')) {
      if (this.isOp(':')) {
        this.next();
        parts.push(current);
        current = undefined;
        colons++;
        if (colons > 2) this.unexpected();
      } else {
        if (current) this.unexpected("expected ']'");
        current = this.parseExpression();
      }
    }
    this.next();
    parts.push(current);
    if (colons === 0) {
      if (!current) this.unexpected('expected an index');
      return this.span(object.at, { kind: 'index', object, index: current });
    }
    const [start, stop, step] = parts;
    return this.span(object.at, { kind: 'slice', object, start, stop, step });
  }

  /** `(a, b, key=value)`, after the opening parenthesis. */
  private parseCallArgs(): Call {
    const args: Node[] = [];
    const kwargs: [string, Node][] = [];
    while (!this.isOp(')')) {
      if (this.peek().type === 'name' && this.isOp('=', 1)) {
        const key = this.next().text;
        this.next();
        kwargs.push([key, this.parseExpression()]);
      } else {
        if (kwargs.length) this.unexpected('positional argument after keyword argument');
        args.push(this.parseExpression());
      }
      if (!this.isOp(')')) this.expectOp(',');
    }
    this.next();
    return { args, kwargs };
  }

  private parseFiltersAndTests(node: Node): Node {
    for (;;) {
      if (this.isOp('|')) {
        this.next();
        const name = this.expectName();
        let call: Call = { args: [], kwargs: [] };
        if (this.isOp('(')) {
          this.next();
          call = this.parseCallArgs();
        }
        node = this.span(node.at, { kind: 'filter', name: name.text, nameAt: name.at, operand: node, ...call });
      } else if (this.isWord('is')) {
        this.next();
        const negate = this.isWord('not');
        if (negate) this.next();
        const name = this.expectName();
        node = this.span(node.at, { kind: 'test', name: name.text, nameAt: name.at, negate, operand: node, ...this.parseTestArgs() });
      } else {
        return node;
      }
    }
  }

  /** Tests take `(args)` or one bare argument: `x is divisibleby 3`, `x is sameas false`. */
  private parseTestArgs(): Call {
    if (this.isOp('(')) {
      this.next();
      return this.parseCallArgs();
    }
    const t = this.peek();
    const startsPrimary = t.type === 'num' || t.type === 'str' || (t.type === 'name' && !STOP_WORDS.has(t.text)) || (t.type === 'op' && (t.text === '[' || t.text === '{'));
    return { args: startsPrimary ? [this.parsePostfix(this.parsePrimary())] : [], kwargs: [] };
  }
}
