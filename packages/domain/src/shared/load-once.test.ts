import { describe, expect, it } from 'vitest';
import { loadOnce } from './load-once.js';

describe('loadOnce', () => {
  it('loads on the first call only and shares the result, also between concurrent callers', async () => {
    let loads = 0;
    const get = loadOnce(() => Promise.resolve(++loads));
    expect(loads).toBe(0);
    expect(await Promise.all([get(), get()])).toEqual([1, 1]);
    expect(await get()).toBe(1);
    expect(loads).toBe(1);
  });

  it('tries again after a failure instead of keeping it', async () => {
    let loads = 0;
    const get = loadOnce(() =>
      ++loads === 1 ? Promise.reject(new Error('offline')) : Promise.resolve(loads),
    );
    await expect(get()).rejects.toThrow('offline');
    expect(await get()).toBe(2);
    expect(await get()).toBe(2);
  });
});
