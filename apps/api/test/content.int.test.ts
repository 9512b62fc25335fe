import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeCollection, makeFaqItem, makeLegalDocument, makeTag } from '@popbox/db/testing';
import { startTestApp, type TestApp } from './support/test-app.js';
import { json } from './support/http.js';

let app: TestApp;
beforeAll(async () => {
  app = await startTestApp();
  const db = app.database.db;
  await makeCollection(db, { name: 'Featured', slug: 'featured', sortOrder: 0 });
  await makeCollection(db, { name: 'Figures', slug: 'figures', sortOrder: 1 });
  await makeCollection(db, { name: 'Hidden', slug: 'hidden', sortOrder: 0, isActive: false });
  await makeTag(db, { name: 'Plush', slug: 'plush', tagType: 'category' });
  await makeTag(db, { name: 'Astro Maid', slug: 'astro-maid', tagType: 'series' });
  await makeTag(db, { name: 'Acrylic', slug: 'acrylic', tagType: 'category' });
  await makeLegalDocument(db, { type: 'terms', version: 1, isActive: false, content: 'old terms' });
  await makeLegalDocument(db, { type: 'terms', version: 2, isActive: true, content: 'current terms' });
  await makeLegalDocument(db, { type: 'privacy', version: 1, isActive: true, content: 'privacy' });
  await makeFaqItem(db, { question: 'Second?', sortOrder: 2 });
  await makeFaqItem(db, { question: 'First?', sortOrder: 1 });
  await makeFaqItem(db, { question: 'Draft?', sortOrder: 0, isPublished: false });
});
afterAll(() => app?.close());

const get = (path: string, init?: RequestInit) => fetch(`${app.url}${path}`, init);

describe('public content over REST', () => {
  it('lists only active collections by sort order', async () => {
    const res = await get('/api/v1/collections');
    expect(res.status).toBe(200);
    const body = await json(res);
    expect(body.items.map((c: { slug: string }) => c.slug)).toEqual(['featured', 'figures']);
    expect(body.items[0]).toMatchObject({
      name: 'Featured',
      isActive: true,
      sortOrder: 0,
      description: null,
    });
  });

  it('lists tags by type then name', async () => {
    const body = await json(await get('/api/v1/tags'));
    expect(body.items.map((t: { slug: string }) => t.slug)).toEqual(['acrylic', 'plush', 'astro-maid']);
  });

  it('returns the store banner, inserting the default when missing', async () => {
    const res = await get('/api/v1/settings/store-banner');
    expect(res.status).toBe(200);
    const body = await json(res);
    expect(body.enabled).toBe(true);
    expect(body.items[0].id).toBe('00000000-0000-4000-8000-000000000001');
  });

  it('serves the active legal documents with derived titles', async () => {
    const body = await json(await get('/api/v1/legal'));
    // ORDER BY type follows the enum's declaration order: shipping_returns, terms, privacy.
    expect(body.items.map((d: { type: string; version: number }) => [d.type, d.version])).toEqual([
      ['terms', 2],
      ['privacy', 1],
    ]);
    const terms = await json(await get('/api/v1/legal/terms'));
    expect(terms).toMatchObject({
      type: 'terms',
      title: 'Terms of Service',
      content: 'current terms',
      version: 2,
    });
  });

  it('answers 404 for a legal type with no active document and 400 naming the field for an unknown type', async () => {
    const missing = await get('/api/v1/legal/shipping_returns');
    expect(missing.status).toBe(404);
    expect((await json(missing)).error.code).toBe('NOT_FOUND');
    const bad = await get('/api/v1/legal/cookies');
    expect(bad.status).toBe(400);
    const body = await json(bad);
    expect(body.error.code).toBe('VALIDATION_FAILED');
    expect(Object.keys(body.error.details.fields)).toContain('type');
  });

  it('lists published FAQ items in display order', async () => {
    const body = await json(await get('/api/v1/legal/faq'));
    expect(body.items.map((f: { question: string }) => f.question)).toEqual(['First?', 'Second?']);
  });

  it('rejects unknown query parameters on strict endpoints', async () => {
    const res = await get('/api/v1/collections?foo=1');
    expect(res.status).toBe(400);
    expect((await json(res)).error.code).toBe('VALIDATION_FAILED');
  });
});

describe('the same procedures over tRPC', () => {
  it('returns identical data through createCaller and over HTTP', async () => {
    const viaCaller = await app.caller().public.catalog.listCollections();
    const viaRest = await json(await get('/api/v1/collections'));
    expect(viaCaller).toEqual(viaRest);
    const res = await get('/api/trpc/public.content.listFaq');
    expect(res.status).toBe(200);
    const body = await json(res);
    expect(body.result.data.items).toHaveLength(2);
  });

  it('carries the error code, status and request id in tRPC errors', async () => {
    const res = await get(
      `/api/trpc/public.content.getLegal?input=${encodeURIComponent(JSON.stringify({ type: 'shipping_returns' }))}`,
      {
        headers: { 'x-request-id': 'req-trpc-1' },
      },
    );
    expect(res.status).toBe(404);
    const body = await json(res);
    expect(body.error.data).toMatchObject({
      errorCode: 'NOT_FOUND',
      httpStatus: 404,
      requestId: 'req-trpc-1',
    });
  });
});

describe('request pipeline', () => {
  it('echoes x-request-id and puts it in error bodies', async () => {
    const res = await get('/api/v1/nope', { headers: { 'x-request-id': 'abc-123' } });
    expect(res.headers.get('x-request-id')).toBe('abc-123');
    expect(res.status).toBe(404);
    expect(await json(res)).toEqual({
      error: {
        code: 'ROUTE_NOT_FOUND',
        status: 404,
        message: expect.any(String),
        requestId: 'abc-123',
        details: { path: '/api/v1/nope' },
      },
    });
  });

  it('generates a request id when none is sent', async () => {
    const res = await get('/health');
    expect(res.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('answers malformed JSON with 400 MALFORMED_JSON', async () => {
    const res = await get('/api/v1/collections', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"a":',
    });
    expect(res.status).toBe(400);
    expect((await json(res)).error.code).toBe('MALFORMED_JSON');
  });

  it('answers an oversize body with 413', async () => {
    const res = await get('/api/v1/collections', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ pad: 'x'.repeat(1024 * 1024 + 10) }),
    });
    expect(res.status).toBe(413);
    expect((await json(res)).error.code).toBe('PAYLOAD_TOO_LARGE');
  });

  it('does not send x-powered-by', async () => {
    const res = await get('/health');
    expect(res.headers.get('x-powered-by')).toBeNull();
  });
});

describe('health', () => {
  it('GET /health is liveness', async () => {
    const res = await get('/health');
    expect(res.status).toBe(200);
    const body = await json(res);
    expect(body).toEqual({ uptime: expect.any(Number), timestamp: expect.any(Number) });
    expect((await get('/health', { method: 'HEAD' })).status).toBe(200);
  });

  it('GET /ready checks the database and migrations', async () => {
    const res = await get('/ready');
    expect(res.status).toBe(200);
    expect(await json(res)).toEqual({
      durationMs: expect.any(Number),
      timestamp: expect.any(Number),
      uptime: expect.any(Number),
    });
    expect((await get('/ready', { method: 'HEAD' })).status).toBe(200);
  });
});
