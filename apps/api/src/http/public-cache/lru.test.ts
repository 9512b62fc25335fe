import { describe, expect, it } from 'vitest';
import { BoundedLru } from './lru.js';

const v = (bytes: number) => ({ bytes });

describe('BoundedLru', () => {
  it('evicts the least recently used entry past the entry bound', () => {
    const lru = new BoundedLru(2, 1_000);
    lru.set('a', v(1));
    lru.set('b', v(1));
    lru.get('a');
    lru.set('c', v(1));
    expect(lru.get('b')).toBeUndefined();
    expect(lru.get('a')).toBeDefined();
    expect(lru.get('c')).toBeDefined();
  });

  it('evicts past the byte bound and refuses a value over an eighth of it', () => {
    const lru = new BoundedLru(100, 800);
    for (let i = 0; i < 9; i++) lru.set(String(i), v(100));
    expect(lru.bytes).toBeLessThanOrEqual(800);
    expect(lru.get('0')).toBeUndefined();
    expect(lru.set('big', v(101))).toBe(false);
    expect(lru.get('big')).toBeUndefined();
  });
});
