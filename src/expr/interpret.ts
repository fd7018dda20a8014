/**
 * Evaluates an expression tree over a variables object. Undefined values are carried as
 * `Undef` (so `x.y is defined` and `x | default(1)` work) and become an error the moment
 * anything else uses them, as with Ansible's strict undefined.
 */
import type { Node, NodeOf } from './ast.js';
import { ExprError, OpError } from './errors.js';
import * as D from './filter-data.js';
import { bindArgs, FILTERS } from './filters.js';
import { callMethod } from './methods.js';
import { TESTS } from './predicates.js';
import { compare, contains, equals, getMember, MISSING, toText, truthy, typeName, type Dict } from './values.js';

/** An undefined value, with what to say if it is used. */
class Undef {
  constructor(
    readonly path: string,
    readonly reason: string,
    readonly at: number,
  ) {}
}

/** Functions callable by name in expressions (`range(3)`). */
export const GLOBALS: Record<string, (args: unknown[]) => unknown> = {
  range: (args) => D.range(args),
};

export function interpret(root: Node, vars: object, src: string): unknown {
  return new Interpreter(vars, src).value(root);
}

class Interpreter {
  constructor(
    private readonly vars: object,
    private readonly src: string,
  ) {}

  private text(node: Node): string {
    return this.src.slice(node.at, node.end).trim();
  }

  private fail(reason: string, at: number, kind: ExprError['kind'] = 'type'): never {
    throw new ExprError(reason, at, this.src, kind);
  }

  /** Runs `fn`; an OpError from a value operation becomes an ExprError at `at`. */
  private guard<T>(at: number, fn: () => T, suffix = ''): T {
    try {
      return fn();
    } catch (e) {
      if (e instanceof OpError) this.fail(e.message + suffix, at);
      throw e;
    }
  }

  /** A defined value, or the error the undefined one carries. */
  value(node: Node): unknown {
    const v = this.eval(node);
    if (v instanceof Undef) throw new ExprError(v.reason, v.at, this.src, 'undefined', v.path);
    return v;
  }

  private eval(node: Node): unknown {
    switch (node.kind) {
      case 'literal':
        return node.value;
      case 'name': {
        const v = getMember(this.vars, node.name);
        return v === MISSING ? new Undef(node.name, `'${node.name}' is undefined`, node.at) : v;
      }
      case 'list':
        return node.items.map((n) => this.value(n));
      case 'dict': {
        const out: Dict = {};
        for (const [k, v] of node.entries) {
          const key = this.value(k);
          if (typeof key !== 'string' && typeof key !== 'number') this.fail(`dict keys must be strings, got '${typeName(key)}'`, k.at);
          out[String(key)] = this.value(v);
        }
        return out;
      }
      case 'attr':
        return this.member(node, node.name, `attribute '${node.name}'`);
      case 'index': {
        const key = this.value(node.index);
        return this.member(node, key, typeof key === 'string' ? `key '${key}'` : `item ${toText(key)}`);
      }
      case 'slice':
        return this.slice(node);
      case 'call':
        return this.call(node);
      case 'unary':
        return this.unary(node);
      case 'binary':
        return this.binary(node);
      case 'logical': {
        const left = this.value(node.left);
        if (node.op === 'and' ? !truthy(left) : truthy(left)) return left;
        return this.value(node.right);
      }
      case 'filter':
        return this.filter(node);
      case 'test':
        return this.test(node);
      case 'conditional':
        if (truthy(this.value(node.test))) return this.value(node.then);
        if (node.otherwise) return this.value(node.otherwise);
        return new Undef(this.text(node), "the inline 'if' has no 'else' and its condition is false", node.at);
    }
  }

  /** `a.b` / `a[k]`: undefined propagates (so `a.b is defined` works when `a` is not). */
  private member(node: NodeOf<'attr'> | NodeOf<'index'>, key: unknown, what: string): unknown {
    const obj = this.eval(node.object);
    if (obj instanceof Undef) return obj;
    const v = getMember(obj, key);
    if (v !== MISSING) return v;
    const hint = key === 'length' && (Array.isArray(obj) || typeof obj === 'string') ? ` (use '${this.text(node.object)} | length')` : '';
    return new Undef(this.text(node), `'${this.text(node.object)}' has no ${what}${hint}`, node.at);
  }

  private slice(node: NodeOf<'slice'>): unknown {
    const obj = this.value(node.object);
    if (typeof obj !== 'string' && !Array.isArray(obj)) this.fail(`'${typeName(obj)}' cannot be sliced`, node.at);
    const bound = (n: Node | undefined): number | undefined => {
      if (!n) return undefined;
      const v = this.value(n);
      if (v === null) return undefined;
      if (typeof v !== 'number' || !Number.isInteger(v)) this.fail(`slice indices must be integers, got '${typeName(v)}'`, n.at);
      return v;
    };
    const step = bound(node.step) ?? 1;
    if (step === 0) this.fail('slice step cannot be zero', node.at);
    const items = typeof obj === 'string' ? [...obj] : obj;
    const len = items.length;
    const clamp = (i: number | undefined, dflt: number): number => {
      if (i === undefined) return dflt;
      const j = i < 0 ? i + len : i;
      return step > 0 ? Math.min(Math.max(j, 0), len) : Math.min(Math.max(j, -1), len - 1);
    };
    const start = clamp(bound(node.start), step > 0 ? 0 : len - 1);
    const stop = clamp(bound(node.stop), step > 0 ? len : -1);
    const out: unknown[] = [];
    for (let i = start; step > 0 ? i < stop : i > stop; i += step) out.push(items[i]);
    return typeof obj === 'string' ? out.join('') : out;
  }

  private call(node: NodeOf<'call'>): unknown {
    const args = node.args.map((a) => this.value(a));
    if (node.kwargs.length) this.fail('keyword arguments are only supported for filters', node.kwargs[0]![1].at);
    const callee = node.callee;
    if (callee.kind === 'attr') {
      const self = this.value(callee.object);
      return this.guard(node.at, () => callMethod(self, callee.name, args));
    }
    if (callee.kind === 'name' && Object.hasOwn(GLOBALS, callee.name) && getMember(this.vars, callee.name) === MISSING) {
      return this.guard(node.at, () => GLOBALS[callee.name]!(args));
    }
    if (callee.kind === 'name' && getMember(this.vars, callee.name) === MISSING) this.fail(`unknown function '${callee.name}'`, callee.at);
    return this.fail(`'${this.text(callee)}' is not callable`, callee.at);
  }

  private unary(node: NodeOf<'unary'>): unknown {
    const v = this.value(node.operand);
    if (node.op === 'not') return !truthy(v);
    if (typeof v !== 'number') this.fail(`bad operand type for unary ${node.op}: '${typeName(v)}'`, node.at);
    return node.op === '-' ? -v : v;
  }

  private binary(node: NodeOf<'binary'>): unknown {
    const a = this.value(node.left);
    const b = this.value(node.right);
    return this.guard(node.at, () => binaryOp(node.op, a, b));
  }

  private filter(node: NodeOf<'filter'>): unknown {
    if (!Object.hasOwn(FILTERS, node.name)) this.fail(`unknown filter '${node.name}'`, node.nameAt, 'filter');
    const def = FILTERS[node.name]!;
    const raw = def.lenient ? this.eval(node.operand) : this.value(node.operand);
    const undef = raw instanceof Undef ? raw : undefined;
    const args = node.args.map((a) => this.value(a));
    const kwargs: Record<string, unknown> = {};
    for (const [k, v] of node.kwargs) kwargs[k] = this.value(v);
    return this.guard(node.nameAt, () => {
      const bound = bindArgs(node.name, def, args, kwargs);
      return def.fn(undef ? undefined : raw, bound.args, { options: bound.options, undefinedName: undef?.path });
    }, node.name === 'mandatory' ? '' : ` (in filter '${node.name}')`);
  }

  private test(node: NodeOf<'test'>): boolean {
    if (!Object.hasOwn(TESTS, node.name)) this.fail(`unknown test '${node.name}'`, node.nameAt, 'filter');
    const def = TESTS[node.name]!;
    const raw = def.lenient ? this.eval(node.operand) : this.value(node.operand);
    const args = node.args.map((a) => this.value(a));
    for (const [key, valueNode] of node.kwargs) {
      const i = def.params?.indexOf(key) ?? -1;
      if (i === -1 || i < node.args.length) this.fail(`the '${node.name}' test has no keyword argument '${key}'`, valueNode.at);
      while (args.length < i) args.push(undefined);
      args[i] = this.value(valueNode);
    }
    const [min, max] = def.arity;
    if (args.length < min || args.length > max) {
      this.fail(`the '${node.name}' test takes ${min === max ? min : `${min} to ${max}`} argument${max === 1 ? '' : 's'}, got ${args.length}`, node.nameAt);
    }
    const result = this.guard(node.nameAt, () => def.fn(raw instanceof Undef ? undefined : raw, args));
    return node.negate ? !result : result;
  }
}

/** A playbook typo like `'-' * 10**9` should fail, not exhaust memory. */
const MAX_REPEAT = 1_000_000;

function num(v: unknown, op: string, other: unknown): number {
  if (typeof v !== 'number') throw new OpError(`unsupported operand types for ${op}: '${typeName(v)}' and '${typeName(other)}'`);
  return v;
}

/** Python semantics for arithmetic and comparison, without implicit coercion. */
export function binaryOp(op: string, a: unknown, b: unknown): unknown {
  switch (op) {
    case '==':
      return equals(a, b);
    case '!=':
      return !equals(a, b);
    case '<':
      return compare(a, b, op) < 0;
    case '<=':
      return compare(a, b, op) <= 0;
    case '>':
      return compare(a, b, op) > 0;
    case '>=':
      return compare(a, b, op) >= 0;
    case 'in':
      return contains(b, a);
    case 'not in':
      return !contains(b, a);
    case '~':
      return toText(a) + toText(b);
    case '+':
      if (typeof a === 'string' && typeof b === 'string') return a + b;
      if (Array.isArray(a) && Array.isArray(b)) return [...a, ...b];
      return num(a, op, b) + num(b, op, a);
    case '*': {
      const seq = typeof a === 'string' || Array.isArray(a) ? a : typeof b === 'string' || Array.isArray(b) ? b : undefined;
      if (seq !== undefined) {
        const n = seq === a ? b : a;
        if (typeof n !== 'number' || !Number.isInteger(n)) throw new OpError(`can't multiply sequence by non-int of type '${typeName(n)}'`);
        if (seq.length * n > MAX_REPEAT) throw new OpError(`repeating a sequence to more than ${MAX_REPEAT} items`);
        if (typeof seq === 'string') return seq.repeat(Math.max(0, n));
        return Array.from({ length: Math.max(0, n) }, () => seq).flat();
      }
      return num(a, op, b) * num(b, op, a);
    }
    case '-':
      return num(a, op, b) - num(b, op, a);
    case '**':
      return num(a, op, b) ** num(b, op, a);
    case '/':
    case '//':
    case '%': {
      const x = num(a, op, b);
      const y = num(b, op, a);
      if (y === 0) throw new OpError('division by zero');
      if (op === '/') return x / y;
      if (op === '//') return Math.floor(x / y);
      return x - y * Math.floor(x / y);
    }
  }
  throw new OpError(`unknown operator '${op}'`);
}
