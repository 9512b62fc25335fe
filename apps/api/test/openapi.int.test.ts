import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from './support/test-app.js';
import { json } from './support/http.js';

let app: TestApp;
beforeAll(async () => {
  app = await startTestApp();
});
afterAll(() => app?.close());

describe('OpenAPI document and API reference', () => {
  it('serves an OpenAPI 3.1 document with the REST operations', async () => {
    const res = await fetch(`${app.url}/api/v1/openapi.json`);
    expect(res.status).toBe(200);
    const doc = await json(res);
    expect(doc.openapi).toMatch(/^3\.1\./);
    // One server, the origin, and full paths: a client resolving `/health` against it reaches the probe.
    expect(doc.servers).toEqual([{ url: '/' }]);
    for (const path of [
      '/api/v1/collections',
      '/api/v1/tags',
      '/api/v1/legal',
      '/api/v1/legal/faq',
      '/api/v1/legal/{type}',
      '/api/v1/settings/store-banner',
      '/health',
      '/ready',
      '/api/v1/checkout/session',
      '/api/v1/webhooks/stripe',
      '/api/v1/admin/orders/{id}/retry-finalisation',
      '/dev/checkout/{sessionId}',
      '/api/v1/openapi.json',
      '/api/v1',
    ]) {
      expect(doc.paths, path).toHaveProperty([path]);
      expect(doc.paths[path], path).not.toHaveProperty(['servers']);
    }
    expect(doc.paths['/api/v1/legal/{type}'].get.parameters[0]).toMatchObject({ name: 'type', in: 'path' });
    expect(doc.paths['/api/v1/checkout/session'].post.parameters).toContainEqual(
      expect.objectContaining({ name: 'idempotency-key', in: 'header', required: true }),
    );
    const webhook = doc.paths['/api/v1/webhooks/stripe'].post;
    expect(webhook.parameters[0]).toMatchObject({ name: 'Stripe-Signature', in: 'header', required: true });
    expect(webhook.security).toEqual([]);
  });

  it('declares the security of each tier: none, the guest cookie, the admin bearer token', async () => {
    const doc = await json(await fetch(`${app.url}/api/v1/openapi.json`));
    expect(doc.components.securitySchemes).toEqual({
      Authorization: expect.objectContaining({ type: 'http', scheme: 'bearer', bearerFormat: 'JWT' }),
      guest_order_session: expect.objectContaining({
        type: 'apiKey',
        in: 'cookie',
        name: 'guest_order_session',
      }),
    });
    expect(doc.paths['/api/v1/products'].get.security).toEqual([]);
    expect(doc.paths['/api/v1/checkout/session'].post.security).toEqual([]);
    expect(doc.paths['/api/v1/kuji/{slug}/fairness'].get.security).toEqual([]);
    expect(doc.paths['/api/v1/products/{slug}/alerts'].post.security).toEqual([]);
    expect(doc.paths['/api/v1/orders/{publicId}'].get.security).toEqual([{ guest_order_session: [] }]);
    expect(doc.paths['/api/v1/orders/{publicId}/tickets/reveal-all'].post.security).toEqual([
      { guest_order_session: [] },
    ]);
    expect(doc.paths['/api/v1/admin/orders/{id}/refund'].post.security).toEqual([{ Authorization: [] }]);
    // The emailed link works with or without an existing session cookie.
    expect(doc.paths['/api/v1/orders/{publicId}/access'].get.security).toEqual([
      { guest_order_session: [] },
      {},
    ]);
  });

  it('documents the statuses operations really answer, with the one error body', async () => {
    const doc = await json(await fetch(`${app.url}/api/v1/openapi.json`));
    const checkout = doc.paths['/api/v1/checkout/session'].post.responses;
    expect(Object.keys(checkout)).toEqual(
      expect.arrayContaining(['201', '400', '404', '409', '422', '429', '502']),
    );
    expect(checkout).not.toHaveProperty(['200']);
    expect(checkout).not.toHaveProperty(['401']);
    expect(checkout['409'].description).toContain('OUT_OF_STOCK');
    expect(checkout['422'].description).toContain('IDEMPOTENCY_KEY_REUSED');
    expect(checkout['429'].headers).toHaveProperty(['Retry-After']);
    expect(checkout['409'].content['application/json'].schema).toEqual({
      $ref: '#/components/schemas/ApiError',
    });
    expect(Object.keys(doc.paths['/api/v1/checkout/success'].get.responses)).toEqual(
      expect.arrayContaining(['200', '202', '401', '409', '503']),
    );
    expect(doc.paths['/api/v1/products/{slug}/alerts'].post.responses).toHaveProperty(['202']);
    expect(doc.paths['/api/v1/admin/products'].post.responses).toHaveProperty(['201']);
    const reveal = doc.paths['/api/v1/orders/{publicId}/tickets/{ticketId}/reveal'].post.responses;
    expect(reveal['401'].description).toContain('ORDER_ACCESS_DENIED');
    expect(reveal['409'].description).toContain('KUJI_DRAW_PENDING');
    const refund = doc.paths['/api/v1/admin/orders/{id}/refund'].post.responses;
    expect(refund['409'].description).toContain('REFUND_NOT_ALLOWED');
    expect(refund['403'].description).toContain('FORBIDDEN');
    // Public operations never answer 401/403; public reads shed with 503 at the read gate.
    expect(doc.paths['/api/v1/products'].get.responses).not.toHaveProperty(['401']);
    expect(doc.paths['/api/v1/products'].get.responses['503'].headers).toHaveProperty(['Retry-After']);
    // The library's own error schemas (`{ message, code, issues }`) are gone: this API never sends them.
    expect(Object.keys(doc.components.schemas).filter((name) => name.startsWith('error.'))).toEqual([]);
  });

  it('answers GET /api/v1 with an index whose links all work, through the common middleware', async () => {
    const res = await fetch(`${app.url}/api/v1`, { headers: { origin: 'http://shop.test' } });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    // Same stack as the public reads: security headers and the request id.
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('x-request-id')).toBeTruthy();
    expect(res.headers.get('access-control-allow-origin')).toBe('http://shop.test');
    const index = await json(res);
    expect(index.links).toEqual({
      openapi: '/api/v1/openapi.json',
      docs: '/docs',
      health: '/health',
      ready: '/ready',
    });
    for (const link of Object.values(index.links as Record<string, string>)) {
      expect((await fetch(`${app.url}${link}`)).status, link).toBe(200);
    }
    const doc = await json(await fetch(`${app.url}/api/v1/openapi.json`));
    expect(doc.paths['/api/v1'].get.responses[200]).toBeDefined();
    // Not a REST operation: anything below it still goes to the REST handler.
    expect((await fetch(`${app.url}/api/v1/no-such-thing`)).status).toBe(404);
  });

  it('answers a browser’s automatic /favicon.ico with 204, not a 404 console error', async () => {
    const res = await fetch(`${app.url}/favicon.ico`);
    expect(res.status).toBe(204);
    expect(res.headers.get('cache-control')).toBe('public, max-age=86400');
  });

  it('renders the Scalar reference page with its bundle served locally', async () => {
    const page = await fetch(`${app.url}/docs`);
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain('/api/v1/openapi.json');
    expect(html).toContain('/docs/scalar.js');
    const bundle = await fetch(`${app.url}/docs/scalar.js`);
    expect(bundle.status).toBe(200);
    expect(
      Number(bundle.headers.get('content-length') ?? (await bundle.arrayBuffer()).byteLength),
    ).toBeGreaterThan(100_000);
  });
});
