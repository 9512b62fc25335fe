import { describe, expect, it } from 'vitest';
import { isCanonicalPath } from './canonical-path.js';
import { trpcCalls } from './trpc-calls.js';

describe('isCanonicalPath', () => {
  it('accepts what clients send, query strings included', () => {
    for (const target of [
      '/',
      '/api/v1/tags',
      '/api/v1/tags/',
      '/API/v1/Tags',
      '/api/v1/search?q=a/../b//c',
    ]) {
      expect(isCanonicalPath(target), target).toBe(true);
    }
  });

  it('refuses every path the adapters could read differently from the limiters', () => {
    for (const target of [
      '/api/v1/./contact',
      '/api/v1/../v1/contact',
      '/api/v1/%2e/contact',
      '/api/v1/%2E%2e/contact',
      '/api/v1/.%2e/contact',
      '/api/v1/contact/.',
      '/api/v1//contact',
      '/api/v1\\contact',
      'http://shop.test/api/v1/./contact',
      'api/v1/contact',
    ]) {
      expect(isCanonicalPath(target), target).toBe(false);
    }
  });
});

describe('trpcCalls', () => {
  it('reads the calls as the express adapter dispatches them: last segment, decoded, split on commas', () => {
    expect(trpcCalls({ path: '/api/trpc/a.b,c.d' })).toEqual(['a.b', 'c.d']);
    expect(trpcCalls({ path: '/api/trpc/x/public.contact.submit' })).toEqual(['public.contact.submit']);
    expect(trpcCalls({ path: '/api/trpc/a.b%2Cc.d' })).toEqual(['a.b', 'c.d']);
    expect(trpcCalls({ path: '/api/v1/contact' })).toBeUndefined();
  });
});
