import { describe, expect, it } from 'vitest';
import { inScope } from './rate-limit.js';

const req = (method: string, path: string) => ({ method, path });

describe('inScope', () => {
  it('matches a scoped REST operation by method and path (case-insensitive, trailing slash ignored)', () => {
    expect(inScope('checkout', req('POST', '/api/v1/checkout/session'))).toBe(true);
    expect(inScope('checkout', req('post', '/API/v1/Checkout/Session/'))).toBe(true);
    expect(inScope('checkout', req('GET', '/api/v1/checkout/session'))).toBe(false);
    expect(inScope('checkout', req('GET', '/api/v1/checkout/success'))).toBe(false);
    expect(inScope('webhook', req('POST', '/api/v1/webhooks/stripe'))).toBe(true);
    expect(inScope('contact', req('POST', '/api/v1/contact'))).toBe(true);
  });

  it('matches the tRPC procedure behind it, alone or anywhere in a batch', () => {
    expect(inScope('checkout', req('POST', '/api/trpc/public.checkout.createSession'))).toBe(true);
    expect(
      inScope('checkout', req('POST', '/api/trpc/public.catalog.listTags,public.checkout.createSession')),
    ).toBe(true);
    expect(inScope('checkout', req('POST', '/api/trpc/public.checkout.createSession%2Cx'))).toBe(true);
    expect(inScope('checkout', req('POST', '/api/trpc/public.checkout.getSuccess'))).toBe(false);
    expect(inScope('contact', req('POST', '/api/trpc/public.contact.send'))).toBe(true);
    expect(inScope('webhook', req('POST', '/api/trpc/public.checkout.createSession'))).toBe(false);
  });

  it('survives malformed escapes in a tRPC path', () => {
    expect(inScope('checkout', req('POST', '/api/trpc/%E0%A4%A'))).toBe(false);
  });
});
