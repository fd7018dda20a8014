import { describe, expect, it } from 'vitest';
import { mergeVars, type Render } from '../../src/engine/vars.js';

// A stand-in renderer for `{{ name }}` only: what mergeVars does with it is under test, not templating.
const render: Render = (value, vars) => (typeof value === 'string' ? value.replace(/\{\{ (\w+) \}\}/g, (_, k: string) => String(vars[k])) : value);

describe('mergeVars', () => {
  it('lets later layers win, whether the earlier or the later value is templated', () => {
    const merged = mergeVars(
      [
        { values: { a: '{{ b }}', b: 'low', c: 'plain', d: '{{ b }}' } },
        { values: { a: 'plain wins', c: '{{ b }}', b: 'high' } },
        { values: { d: 'last' } },
      ],
      render,
    );
    expect({ ...merged }).toEqual({ a: 'plain wins', b: 'high', c: 'high', d: 'last' });
    expect(Object.keys(merged)).toEqual(['a', 'b', 'c', 'd']);
  });

  it('renders a templated value once, on first read, against the merged variables', () => {
    let calls = 0;
    const counting: Render = (v, vars) => (calls++, render(v, vars));
    const merged = mergeVars([{ values: { x: '{{ y }}', y: 'one' } }, { values: { y: 'two' } }], counting);
    expect(calls).toBe(0);
    expect([merged.x, merged.x]).toEqual(['two', 'two']);
    expect(calls).toBe(1);
    merged.x = 'set';
    expect(merged.x).toBe('set');
  });

  it('reports a variable that refers to itself', () => {
    const merged = mergeVars([{ values: { a: '{{ b }}', b: '{{ a }}' }, pos: { file: 'vars.yml', line: 3, col: 1 } }], render);
    expect(() => merged.a).toThrow(/recursive loop in variable 'a'/);
  });

  it('keeps a variable named __proto__ as a variable, not as the prototype', () => {
    const merged = mergeVars([{ values: JSON.parse('{"__proto__": {"polluted": true}, "a": 1}') as Record<string, unknown> }, { values: { b: 2 } }], render);
    expect(Object.getPrototypeOf(merged)).toBe(Object.prototype);
    expect((merged as { polluted?: boolean }).polluted).toBeUndefined();
    expect(Object.keys(merged)).toEqual(['__proto__', 'a', 'b']);
  });
});
