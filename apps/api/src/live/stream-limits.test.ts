import { describe, expect, it } from 'vitest';
import { StreamLimits } from './stream-limits.js';

describe('live stream limits', () => {
  it('bounds streams per client and in total, and frees a slot once per release', () => {
    const limits = new StreamLimits(2, 3);
    const a1 = limits.acquire('a');
    const a2 = limits.acquire('a');
    expect(a1 && a2).toBeTruthy();
    expect(limits.acquire('a')).toBeUndefined();
    const b1 = limits.acquire('b');
    expect(b1).toBeTruthy();
    expect(limits.acquire('c')).toBeUndefined(); // total reached
    a1!();
    a1!();
    expect(limits.openStreams).toBe(2);
    expect(limits.acquire('a')).toBeTruthy();
    expect(limits.acquire('a')).toBeUndefined();
  });
});
