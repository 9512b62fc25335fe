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
    ]) {
      expect(doc.paths, path).toHaveProperty([path]);
    }
    expect(doc.paths['/legal/{type}'].get.parameters[0]).toMatchObject({ name: 'type', in: 'path' });
    expect(doc.paths['/checkout/session'].post.parameters).toContainEqual(
      expect.objectContaining({ name: 'idempotency-key', in: 'header', required: true }),
    );
    expect(doc.paths['/webhooks/stripe'].post.parameters[0]).toMatchObject({ name: 'stripe-signature' });
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
