import { describe, expect, it } from 'vitest';
import { lockKey } from './locks.js';

describe('advisory lock keys', () => {
  it('are the 64-bit FNV-1a of the name as a signed bigint', () => {
    // FNV-1a("a") = 0xaf63dc4c8601ec8c → as int64.
    expect(lockKey('a')).toBe(BigInt.asIntN(64, 0xaf63dc4c8601ec8cn));
    expect(lockKey('')).toBe(BigInt.asIntN(64, 0xcbf29ce484222325n));
    expect(lockKey('orders:kuji-action:1')).not.toBe(lockKey('orders:kuji-action:2'));
  });
});
