import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { evalCondition, evaluate, ExprError } from '../../src/expr/index.js';

function failure(expr: string, vars: object = {}): ExprError {
  try {
    evaluate(expr, vars);
  } catch (e) {
    if (e instanceof ExprError) return e;
    throw e;
  }
  throw new Error(`expected ${expr} to fail`);
}

describe('syntax errors point at the column', () => {
  it.each([
    ['(a and b))', "unexpected token ')' at column 10", 9],
    ['a and', 'unexpected end of expression at column 6', 5],
    ['a ==', 'unexpected end of expression at column 5', 4],
    ['x | ', 'unexpected end of expression (expected a name) at column 4', 3],
    ["'open", 'unterminated string at column 1', 0],
    ['a @ b', "unexpected character '@' at column 3", 2],
    ['a b', "unexpected token 'b' at column 3", 2],
    ['[1, 2', 'unexpected end of expression', 5],
    ['1 < n < 3', 'chained comparisons are not supported', 6],
    ['', 'empty expression', 0],
    ['f(a=1, 2)', 'positional argument after keyword argument', 7],
    ['a.', 'expected an attribute name', 2],
  ])('%s', (expr, message, offset) => {
    const e = failure(expr, { a: 1, n: 2 });
    expect(e.kind).toBe('syntax');
    expect(e.message).toContain(message);
    expect(e.message).toContain(`in "${expr}"`);
    expect(e.offset).toBe(offset);
  });

  it('refuses absurdly nested input with an ExprError, not a stack overflow', () => {
    expect(failure('('.repeat(5000) + '1' + ')'.repeat(5000)).reason).toBe('expression nested too deeply');
    expect(failure('not '.repeat(5000) + 'a').kind).toBe('syntax');
    expect(failure('-'.repeat(5000) + '1').kind).toBe('syntax');
    const long = failure(Array.from({ length: 100_000 }, () => '1').join('+'));
    expect(long.reason).toBe('expression too complex');
  });

  it('reads like the brief: unexpected token with its column', () => {
    expect(failure('a and )').message).toBe(`unexpected token ')' at column 7 in "a and )"`);
  });

  it('keeps columns of the original text for "{{ }}"-wrapped expressions', () => {
    const e = failure('{{ a and ) }}');
    expect(e.offset).toBe(9);
    expect(e.message).toContain('in "{{ a and ) }}"');
  });
});

describe('undefined variables', () => {
  it("is an ExprError \"'name' is undefined\"", () => {
    const e = failure('enabled');
    expect(e.name).toBe('ExprError');
    expect(e.kind).toBe('undefined');
    expect(e.reason).toBe("'enabled' is undefined");
    expect(e.path).toBe('enabled');
  });

  it('names the missing attribute and where it is', () => {
    const e = failure('x and result.stdout', { x: 1, result: { rc: 0 } });
    expect(e.reason).toBe("'result' has no attribute 'stdout'");
    expect(e.offset).toBe(6);
    expect(e.path).toBe('result.stdout');
  });

  it('hints at the length filter for xs.length', () => {
    expect(failure('xs.length > 0', { xs: [] }).reason).toContain("use 'xs | length'");
  });

  it('fails when used in a comparison, a filter or a condition', () => {
    expect(() => evaluate('missing == 1', {})).toThrow("'missing' is undefined");
    expect(() => evaluate('missing | length', {})).toThrow("'missing' is undefined");
    expect(() => evalCondition('missing', {})).toThrow(ExprError);
    expect(() => evalCondition(['true', 'missing'], {})).toThrow("'missing' is undefined");
  });

  it('mandatory names the variable', () => {
    expect(() => evaluate('db | mandatory', {})).toThrow("mandatory variable 'db' is not defined");
    expect(() => evaluate("db | mandatory('set db!')", {})).toThrow('set db!');
  });
});

describe('type errors', () => {
  it.each([
    ["'a' + 1", "unsupported operand types for +: 'str' and 'int'"],
    ["1 < 'a'", "'<' not supported between 'int' and 'str'"],
    ['1 / 0', 'division by zero'],
    ['1 in 5', "argument of type 'int' is not iterable"],
    ["1 in 'abc'", "'in <string>' requires a string"],
    ['n | nosuchfilter', "unknown filter 'nosuchfilter'"],
    ['n is nosuchtest', "unknown test 'nosuchtest'"],
    ['n | length', "object of type 'int' has no length"],
    ["n | join(',', attribute='x', bogus=1)", "join has no parameter 'bogus'"],
    ['n is divisibleby', "the 'divisibleby' test takes 1 argument, got 0"],
    ["'s' is failed", "the 'failed' test expects a registered result"],
    ['nope(1)', "unknown function 'nope'"],
    ["n.bit_length()", "'int' has no method 'bit_length'"],
    ["'x'.__class__()", "'str' has no method '__class__'"],
  ])('%s', (expr, message) => {
    expect(() => evaluate(expr, { n: 5 })).toThrow(message);
  });

  it('names the filter an operation failed in', () => {
    expect(() => evaluate('xs | first', { xs: [] })).toThrow("first: the sequence is empty (in filter 'first')");
  });
});

describe('no prototype access', () => {
  const vars = { x: {}, xs: [1], s: 'str' };
  it.each([
    'x.__proto__',
    'x.constructor',
    "x['constructor']",
    "x['__proto__']",
    'x.toString',
    'x.hasOwnProperty',
    'xs.constructor',
    'xs.push',
    "s.constructor",
    'constructor',
    '__proto__',
    'toString',
  ])('%s is undefined', (expr) => {
    const e = failure(expr, vars);
    expect(e.kind).toBe('undefined');
    expect(evaluate(`${expr} is defined`, vars)).toBe(false);
  });

  it('cannot call what it reaches', () => {
    expect(() => evaluate("x.constructor('return 1')()", vars)).toThrow(ExprError);
    expect(() => evaluate('s.constructor.constructor("return process")()', vars)).toThrow(ExprError);
  });

  it('reads own keys named like prototype members as data', () => {
    const data = JSON.parse('{"constructor": 1, "__proto__": 2}') as object;
    expect(evaluate("x.constructor + x['__proto__']", { x: data })).toBe(3);
  });
});

describe('properties', () => {
  const json = fc.jsonValue({ maxDepth: 3 });

  it('every JSON value equals itself', () => {
    fc.assert(
      fc.property(json, (v) => {
        expect(evaluate('v == v', { v })).toBe(true);
        expect(evaluate('v != v', { v })).toBe(false);
      }),
    );
  });

  it('a JSON value equals a deep copy of itself', () => {
    fc.assert(
      fc.property(json, (v) => {
        expect(evaluate('a == b', { a: v, b: structuredClone(v) })).toBe(true);
      }),
    );
  });

  it('string literals round-trip through quoting', () => {
    fc.assert(
      fc.property(fc.string(), (s) => {
        const literal = `'${s.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
        expect(evaluate(literal, {})).toBe(s);
      }),
    );
  });

  it('integer arithmetic matches Python', () => {
    fc.assert(
      fc.property(fc.integer({ min: -1000, max: 1000 }), fc.integer({ min: -50, max: 50 }).filter((n) => n !== 0), (a, b) => {
        expect(evaluate('a // b * b + a % b', { a, b })).toBe(a);
      }),
    );
  });

  it('never throws anything but ExprError on arbitrary input', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 30 }), (src) => {
        try {
          evaluate(src, { a: 1, xs: [1, 2], d: { k: 'v' } });
        } catch (e) {
          expect(e).toBeInstanceOf(ExprError);
        }
      }),
    );
  });
});
