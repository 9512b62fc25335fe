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
    expect(doc.servers).toEqual([{ url: '/api/v1' }]);
    for (const path of [
      '/collections',
      '/tags',
      '/legal',
      '/legal/faq',
      '/legal/{type}',
      '/settings/store-banner',
      '/health',
      '/ready',
      '/checkout/session',
      '/webhooks/stripe',
      '/admin/orders/{id}/retry-finalisation',
      '/dev/checkout/{sessionId}',
      '/api/v1',
    ]) {
      expect(doc.paths, path).toHaveProperty([path]);
    }
    expect(doc.paths['/legal/{type}'].get.parameters[0]).toMatchObject({ name: 'type', in: 'path' });
    expect(doc.paths['/checkout/session'].post.parameters).toContainEqual(
      expect.objectContaining({ name: 'idempotency-key', in: 'header', required: true }),
    );
    expect(doc.paths['/webhooks/stripe'].post.parameters[0]).toMatchObject({ name: 'stripe-signature' });
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
