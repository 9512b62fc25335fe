import { describe, expect, it } from 'vitest';
import { findHostileInput, MAX_INPUT_DEPTH } from './hostile-input.js';
import { toApiError } from './error-mapping.js';

const nest = (depth: number): unknown => {
  let value: unknown = 'leaf';
  for (let i = 0; i < depth; i++) value = { a: value };
  return value;
};

describe('findHostileInput', () => {
  it('accepts ordinary inputs, including unicode and the deepest allowed nesting', () => {
    expect(
      findHostileInput({ q: 'mugs ☕', items: [{ productId: 'x', quantity: 2 }], n: null }),
    ).toBeUndefined();
    expect(findHostileInput(nest(MAX_INPUT_DEPTH))).toBeUndefined();
    expect(findHostileInput(undefined)).toBeUndefined();
    expect(findHostileInput('plain')).toBeUndefined();
  });

  it('names the path of a NUL in a string or a key', () => {
    expect(findHostileInput({ items: [{ name: 'ok' }, { name: 'a\u0000' }] })).toEqual({
      path: 'items.1.name',
      problem: 'Must not contain a NUL character',
    });
    expect(findHostileInput('a\u0000')?.path).toBe('(root)');
    expect(findHostileInput({ 'k\u0000': 1 })?.path).toBe('k\\u0000');
  });

  it('names prototype keys, own keys as JSON.parse makes them', () => {
    for (const key of ['__proto__', 'constructor', 'prototype']) {
      expect(findHostileInput(JSON.parse(`{"x":{"${key}":{}}}`))).toEqual({
        path: `x.${key}`,
        problem: 'Reserved field name',
      });
    }
  });

  it('bounds nesting iteratively, far past what recursion survives', () => {
    const found = findHostileInput(nest(1_000_000));
    expect(found?.problem).toBe(`Nested more than ${MAX_INPUT_DEPTH} levels deep`);
    expect(found?.path.startsWith('a.a.a')).toBe(true);
  });

  it('checks only depth when asked', () => {
    expect(findHostileInput({ __proto__x: 'a\u0000' }, { depthOnly: true })).toBeUndefined();
    expect(findHostileInput(nest(MAX_INPUT_DEPTH + 1), { depthOnly: true })).toBeDefined();
  });
});

describe('database value errors (safety net)', () => {
  it('maps PostgreSQL data exceptions caused by client values to 400, never 500', () => {
    for (const code of ['22021', '22P05', '22003', '22001', '22P02', '22007', '22008', '22025']) {
      const error = Object.assign(new Error('Failed query'), {
        cause: Object.assign(new Error('pg'), { code }),
      });
      expect(toApiError(error), code).toMatchObject({ status: 400, code: 'BAD_REQUEST' });
    }
    expect(toApiError(Object.assign(new Error('x'), { code: '40P01' })).status).toBe(500);
  });
});
