import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Json } from './support/http.js';
import { startTestApp, type TestApp } from './support/test-app.js';
import { json } from './support/http.js';

let app: TestApp;
beforeAll(async () => {
  app = await startTestApp();
});
afterAll(() => app?.close());

/** rest-operations.md rows 6–16 and 24–56, plus the (f) audit-log and contact-messages rows. */
const OPERATIONS = `
GET /home
GET /legal
GET /legal/faq
GET /legal/{type}
GET /collections
GET /tags
GET /products
GET /products/{slug}/recommendations
GET /products/{slug}
GET /search
GET /search/autocomplete
POST /contact
GET /settings/store-banner
GET /admin/settings/shipping
PUT /admin/settings/shipping
GET /admin/settings/store-banner
PUT /admin/settings/store-banner
GET /admin/products
POST /admin/products
GET /admin/products/{id}
PATCH /admin/products/{id}
POST /admin/products/{id}/images
PATCH /admin/products/{id}/images/reorder
DELETE /admin/products/{id}/images/{imageId}
PATCH /admin/products/{id}/inventory
GET /admin/products/{id}/kuji-prizes
POST /admin/products/{id}/kuji-prizes
POST /admin/products/{id}/kuji-prizes/upload-image
PATCH /admin/products/{id}/kuji-prizes/{prizeId}
DELETE /admin/products/{id}/kuji-prizes/{prizeId}
GET /admin/collections
POST /admin/collections
PATCH /admin/collections/{id}
GET /admin/tags
POST /admin/tags
PATCH /admin/tags/{id}
GET /admin/legal
POST /admin/legal
GET /admin/legal/faq
POST /admin/legal/faq
PATCH /admin/legal/faq/{id}
DELETE /admin/legal/faq/{id}
GET /admin/legal/{id}
PATCH /admin/legal/{id}
GET /admin/audit-log
GET /admin/contact-messages
`
  .trim()
  .split('\n')
  .map((line) => line.split(' ') as [string, string]);

describe('OpenAPI document: catalog, content and admin operations', () => {
  it('documents every operation at its method and path, admin ones with bearer security, public ones with none', async () => {
    const doc = await json(await fetch(`${app.url}/api/v1/openapi.json`));
    for (const [method, path] of OPERATIONS) {
      const op = doc.paths?.[`/api/v1${path}`]?.[method.toLowerCase()];
      expect(op, `${method} ${path}`).toBeTruthy();
      expect(op.security, `${method} ${path}`).toEqual(
        path.startsWith('/admin/') ? [{ Authorization: [] }] : [],
      );
    }
    expect(doc.paths['/api/v1/admin/products/{id}/images'].post.requestBody.content).toHaveProperty([
      'multipart/form-data',
    ]);
  });

  it('routes every documented operation (no 404 ROUTE_NOT_FOUND)', async () => {
    for (const [method, path] of OPERATIONS) {
      const url = path
        .replace('{type}', 'terms')
        .replace('{slug}', 'x')
        .replace(/\{[^}]+\}/g, '00000000-0000-4000-8000-000000000001');
      const res = await fetch(`${app.url}/api/v1${url}`, { method });
      const body: Json = res.headers.get('content-type')?.includes('json') ? await res.json() : {};
      expect(body?.error?.code, `${method} ${path}`).not.toBe('ROUTE_NOT_FOUND');
    }
  });
});
