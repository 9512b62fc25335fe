import { describe, expect, it } from 'vitest';
import type { Request } from 'express';
import { appRouter } from '../../trpc/app-router.js';
import { PublicReadCatalog } from './public-reads.js';
import { canonicalJson, keyPublicRead } from './request-key.js';
import { notModified, strongEtag } from './http-caching.js';

const catalog = new PublicReadCatalog(appRouter);

function req(url: string, method = 'GET', headers: Record<string, string> = {}): Request {
  const path = url.split('?')[0]!;
  return { method, originalUrl: url, url, path, headers } as unknown as Request;
}

describe('public read classification and keys', () => {
  it('resolves REST paths in registration order, case-insensitively, like trpc-to-openapi', () => {
    expect(catalog.rest('/legal/faq')?.procedures).toEqual(['public.content.listFaq']);
    expect(catalog.rest('/legal/terms')?.procedures).toEqual(['public.content.getLegal']);
    expect(catalog.rest('/Products/x/recommendations')?.procedures).toEqual([
      'public.catalog.recommendations',
    ]);
    expect(catalog.rest('/search/autocomplete')?.volatile).toBe(true);
    expect(catalog.rest('/collections')?.volatile).toBe(false);
    // Personal or not a public query: nothing.
    expect(catalog.rest('/checkout/success')).toBeUndefined();
    expect(catalog.rest('/admin/products')).toBeUndefined();
    expect(catalog.rest('/kuji/x/live')).toBeUndefined();
  });

  it('never keys a write, a personal call or an unparsable tRPC input', () => {
    expect(keyPublicRead(req('/api/v1/products', 'POST'), catalog)).toBeUndefined();
    expect(keyPublicRead(req('/api/trpc/public.checkout.success?input=%7B%7D'), catalog)).toBeUndefined();
    expect(keyPublicRead(req('/api/trpc/admin.products.list'), catalog)).toBeUndefined();
    expect(keyPublicRead(req('/api/trpc/public.catalog.search?input=%7Bnope'), catalog)).toBeUndefined();
    expect(keyPublicRead(req('/api/v1/openapi.json'), catalog)).toBeUndefined();
  });

  it('gives equal keys to equal requests and different keys to different answers', () => {
    const k = (url: string, headers?: Record<string, string>) =>
      keyPublicRead(req(url, 'GET', headers), catalog)?.key;
    expect(k('/api/v1/products?sort=newest&limit=5')).toBe(k('/api/v1/products?limit=5&sort=newest'));
    expect(k('/api/v1/products?limit=5')).not.toBe(k('/api/v1/products?limit=6'));
    const a = encodeURIComponent('{"q":"cat","limit":3}');
    const b = encodeURIComponent('{"limit":3,"q":"cat"}');
    expect(k(`/api/trpc/public.catalog.search?input=${a}`)).toBe(
      k(`/api/trpc/public.catalog.search?input=${b}`),
    );
    expect(k(`/api/trpc/public.catalog.search?input=${a}`)).not.toBe(
      k(`/api/trpc/public.catalog.search?input=${a}`, { 'trpc-accept': 'application/jsonl' }),
    );
    expect(k(`/api/trpc/public.catalog.search?batch=1&input=${a}`)).not.toBe(
      k(`/api/trpc/public.catalog.search?input=${a}`),
    );
  });

  it('serialises JSON canonically', () => {
    expect(canonicalJson({ b: [2, { d: 1, c: null }], a: 'x' })).toBe('{"a":"x","b":[2,{"c":null,"d":1}]}');
    expect(canonicalJson(undefined)).toBe('null');
  });

  it('matches If-None-Match weakly, lists and * included', () => {
    const etag = strongEtag(Buffer.from('{"items":[]}'));
    const withHeader = (value: string) => req('/x', 'GET', { 'if-none-match': value });
    expect(notModified(withHeader(etag), etag)).toBe(true);
    expect(notModified(withHeader(`"a", W/${etag}`), etag)).toBe(true);
    expect(notModified(withHeader('*'), etag)).toBe(true);
    expect(notModified(withHeader('"other"'), etag)).toBe(false);
    expect(notModified(req('/x'), etag)).toBe(false);
  });
});
