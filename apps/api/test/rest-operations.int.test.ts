import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from './support/test-app.js';
import { json } from './support/http.js';

/** Every operation of rest-operations.md (including the (f) table), method and path exactly. */
const OPERATIONS: Array<[string, string]> = [
  ['GET', '/health'],
  ['HEAD', '/health'],
  ['GET', '/ready'],
  ['HEAD', '/ready'],
  ['POST', '/api/v1/webhooks/stripe'],
  ['GET', '/api/v1/home'],
  ['GET', '/api/v1/legal'],
  ['GET', '/api/v1/legal/faq'],
  ['GET', '/api/v1/legal/{type}'],
  ['GET', '/api/v1/collections'],
  ['GET', '/api/v1/tags'],
  ['GET', '/api/v1/products'],
  ['GET', '/api/v1/products/{slug}/recommendations'],
  ['GET', '/api/v1/products/{slug}'],
  ['GET', '/api/v1/search'],
  ['GET', '/api/v1/search/autocomplete'],
  ['GET', '/api/v1/orders/{publicId}/access'],
  ['GET', '/api/v1/orders/{publicId}'],
  ['GET', '/api/v1/orders/{publicId}/tickets'],
  ['POST', '/api/v1/orders/{publicId}/tickets/{ticketId}/reveal'],
  ['POST', '/api/v1/orders/{publicId}/tickets/reveal-all'],
  ['POST', '/api/v1/checkout/session'],
  ['GET', '/api/v1/checkout/success'],
  ['POST', '/api/v1/contact'],
  ['GET', '/api/v1/settings/store-banner'],
  ['GET', '/api/v1/admin/settings/shipping'],
  ['PUT', '/api/v1/admin/settings/shipping'],
  ['GET', '/api/v1/admin/settings/store-banner'],
  ['PUT', '/api/v1/admin/settings/store-banner'],
  ['GET', '/api/v1/admin/products'],
  ['POST', '/api/v1/admin/products'],
  ['GET', '/api/v1/admin/products/{id}'],
  ['PATCH', '/api/v1/admin/products/{id}'],
  ['POST', '/api/v1/admin/products/{id}/images'],
  ['PATCH', '/api/v1/admin/products/{id}/images/reorder'],
  ['DELETE', '/api/v1/admin/products/{id}/images/{imageId}'],
  ['PATCH', '/api/v1/admin/products/{id}/inventory'],
  ['GET', '/api/v1/admin/products/{id}/kuji-prizes'],
  ['POST', '/api/v1/admin/products/{id}/kuji-prizes'],
  ['POST', '/api/v1/admin/products/{id}/kuji-prizes/upload-image'],
  ['PATCH', '/api/v1/admin/products/{id}/kuji-prizes/{prizeId}'],
  ['DELETE', '/api/v1/admin/products/{id}/kuji-prizes/{prizeId}'],
  ['GET', '/api/v1/admin/collections'],
  ['POST', '/api/v1/admin/collections'],
  ['PATCH', '/api/v1/admin/collections/{id}'],
  ['GET', '/api/v1/admin/tags'],
  ['POST', '/api/v1/admin/tags'],
  ['PATCH', '/api/v1/admin/tags/{id}'],
  ['GET', '/api/v1/admin/legal'],
  ['POST', '/api/v1/admin/legal'],
  ['GET', '/api/v1/admin/legal/faq'],
  ['POST', '/api/v1/admin/legal/faq'],
  ['PATCH', '/api/v1/admin/legal/faq/{id}'],
  ['DELETE', '/api/v1/admin/legal/faq/{id}'],
  ['GET', '/api/v1/admin/legal/{id}'],
  ['PATCH', '/api/v1/admin/legal/{id}'],
  ['GET', '/api/v1/admin/orders'],
  ['GET', '/api/v1/admin/orders/{id}'],
  ['POST', '/api/v1/admin/orders/{orderId}/resend-confirmation'],
  ['PATCH', '/api/v1/admin/orders/{id}/status'],
  ['PATCH', '/api/v1/admin/orders/{id}/shipment'],
  ['POST', '/api/v1/admin/orders/{id}/refund'],
  ['POST', '/api/v1/admin/orders/{id}/refund/reconcile'],
  ['GET', '/api/v1/admin/customers'],
  ['GET', '/api/v1/kuji/{slug}/fairness'],
  ['GET', '/api/v1/kuji/{slug}/live'],
  ['POST', '/api/v1/admin/orders/{id}/retry-finalisation'],
  ['POST', '/api/v1/admin/orders/{id}/access-link'],
  ['GET', '/api/v1/admin/audit-log'],
  ['GET', '/api/v1/admin/reconciliation'],
  ['POST', '/api/v1/admin/reconciliation/repair'],
  ['GET', '/api/v1/admin/jobs'],
  ['GET', '/api/v1/admin/contact-messages'],
  ['GET', '/api/v1/admin/emails'],
];

let app: TestApp;
beforeAll(async () => {
  app = await startTestApp();
});
afterAll(() => app?.close());

/** The document's paths are full paths on its one server, the origin. */
function documented(doc: { paths: Record<string, Record<string, unknown>> }) {
  const ops = new Set<string>();
  for (const [path, item] of Object.entries(doc.paths)) {
    for (const method of ['get', 'head', 'post', 'put', 'patch', 'delete']) {
      if (item[method]) ops.add(`${method.toUpperCase()} ${path}`);
    }
  }
  return ops;
}

describe('rest-operations.md', () => {
  it('every operation exists in the OpenAPI document at exactly its method and path', async () => {
    const ops = documented(await json(await fetch(`${app.url}/api/v1/openapi.json`)));
    const missing = OPERATIONS.filter(([method, path]) => !ops.has(`${method} ${path}`));
    expect(missing).toEqual([]);
  });

  it('every operation is routed (no 404 ROUTE_NOT_FOUND for its method and path)', async () => {
    const unrouted: string[] = [];
    for (const [method, path] of OPERATIONS) {
      const url = app.url + path.replace(/\{[^}]+\}/g, '00000000-0000-4000-8000-000000000000');
      const res = await fetch(url, { method, redirect: 'manual' });
      if (res.status === 404 && method !== 'HEAD') {
        const body = await json(res).catch(() => ({}));
        if (body?.error?.code === 'ROUTE_NOT_FOUND') unrouted.push(`${method} ${path}`);
      }
    }
    expect(unrouted).toEqual([]);
  });
});
