import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeProduct } from '@popbox/db/testing';
import { startTestApp, type TestApp } from './support/test-app.js';
import { adminClient, failedFields, type AdminClient } from './support/admin.js';
import { form, GIF, JPEG, PNG, upload, WEBP } from './support/images.js';
import type { Json } from './support/http.js';

let app: TestApp;
let admin: AdminClient;
beforeAll(async () => {
  app = await startTestApp();
  admin = await adminClient(app);
});
afterAll(() => app?.close());

const imagesUrl = (id: string) => `${app.url}/api/v1/admin/products/${id}/images`;
const rowCount = async (productId: string) =>
  Number(
    (await app.database.pool.query('select count(*) from product_images where product_id = $1', [productId]))
      .rows[0].count,
  );

describe('POST /admin/products/{id}/images', () => {
  it('stores every file, continues sort orders after the current maximum and keeps alt texts', async () => {
    const p = await makeProduct(app.database.db, { images: [{ sortOrder: 4 }] });
    const res = await upload(
      imagesUrl(p.id),
      admin.token,
      form([
        { field: 'files', name: 'Front View.png', bytes: PNG },
        { field: 'files', name: 'back.jpg', type: 'image/jpeg', bytes: JPEG },
        { field: 'file', name: 'side.webp', type: 'image/webp', bytes: WEBP },
        { field: 'altTexts', value: 'Front' },
        { field: 'altTexts', value: 'Back' },
        { field: 'altTexts', value: ' ' },
      ]),
    );
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    expect(res.body.images.map((i: Json) => [i.sortOrder, i.altText])).toEqual([
      [5, 'Front'],
      [6, 'Back'],
      [7, null],
    ]);
    for (const image of res.body.images) {
      expect(image.storageKey).toMatch(new RegExp(`^products/${p.id}/[0-9a-f-]{36}-`));
      expect(image.url).toBe(`http://media.test/media/${image.storageKey}`);
      expect(existsSync(join(app.storageDir, image.storageKey))).toBe(true);
    }
    expect(res.body.images[0].storageKey).toMatch(/-front-view-png$/);
    const audit = await app.database.pool.query(`select action from admin_audit_log where entity_id = $1`, [
      p.id,
    ]);
    expect(audit.rows.map((r) => r.action)).toEqual(['product.image.upload']);
  });

  it('accepts the legacy single altText field and the same file name twice', async () => {
    const p = await makeProduct(app.database.db);
    const res = await upload(
      imagesUrl(p.id),
      admin.token,
      form([{ field: 'file' }, { field: 'altText', value: 'Only' }]),
    );
    expect(res.status).toBe(201);
    expect(res.body.images[0]).toMatchObject({ sortOrder: 0, altText: 'Only' });
    expect((await upload(imagesUrl(p.id), admin.token, form([{ field: 'file' }]))).status).toBe(201);
    expect(await rowCount(p.id)).toBe(2);
  });

  it('answers 422 for an unsupported or disguised type, an oversize file and too many files', async () => {
    const p = await makeProduct(app.database.db);
    const cases: [FormData, string][] = [
      [form([{ field: 'files', type: 'image/gif', bytes: GIF }]), 'UNSUPPORTED_IMAGE_TYPE'],
      [form([{ field: 'files', type: 'image/png', bytes: GIF }]), 'UNSUPPORTED_IMAGE_TYPE'],
      [
        form([{ field: 'files', type: 'text/html', bytes: new TextEncoder().encode('<script>') }]),
        'UNSUPPORTED_IMAGE_TYPE',
      ],
      [
        form([{ field: 'files', bytes: new Uint8Array([...PNG, ...new Uint8Array(5 * 1024 * 1024)]) }]),
        'FILE_TOO_LARGE',
      ],
      [form(Array.from({ length: 11 }, () => ({ field: 'files' }))), 'TOO_MANY_FILES'],
    ];
    for (const [body, code] of cases) {
      const res = await upload(imagesUrl(p.id), admin.token, body);
      expect(res.status, code).toBe(422);
      expect(res.body.error.code).toBe(code);
    }
    expect(await rowCount(p.id)).toBe(0);
  });

  it('answers 400 for bad multipart, unexpected fields and alt-text mismatches; 404 for unknown products', async () => {
    const p = await makeProduct(app.database.db);
    const bad: [FormData | string, Record<string, string>, string | null][] = [
      [form([{ field: 'image' }]), {}, 'image'],
      [form([{ field: 'files' }, { field: 'caption', value: 'x' }]), {}, 'caption'],
      [form([{ field: 'files' }, { field: 'files' }, { field: 'altTexts', value: 'a' }]), {}, 'altTexts'],
      [
        form([{ field: 'files' }, { field: 'altTexts', value: 'a' }, { field: 'altText', value: 'b' }]),
        {},
        'altTexts',
      ],
      [form([{ field: 'files' }, { field: 'altTexts', value: 'x'.repeat(256) }]), {}, 'altTexts'],
      [form([]), {}, null],
      ['{"files": []}', { 'content-type': 'application/json' }, null],
      ['--x\r\nbroken', { 'content-type': 'multipart/form-data; boundary=x' }, null],
      [form(Array.from({ length: 21 }, (_, i) => ({ field: 'altTexts', value: `${i}` }))), {}, null],
    ];
    for (const [body, headers, field] of bad) {
      const res = await upload(imagesUrl(p.id), admin.token, body, headers);
      expect(res.status, JSON.stringify(res.body)).toBe(400);
      if (field) expect(failedFields(res.body)).toContain(field);
    }
    expect(
      (
        await upload(
          imagesUrl('00000000-0000-4000-8000-000000000999'),
          admin.token,
          form([{ field: 'files' }]),
        )
      ).status,
    ).toBe(404);
    expect((await upload(imagesUrl('nope'), admin.token, form([{ field: 'files' }]))).status).toBe(400);
    expect(await rowCount(p.id)).toBe(0);
  });

  it('serves the stored bytes at /media', async () => {
    const p = await makeProduct(app.database.db);
    const res = await upload(imagesUrl(p.id), admin.token, form([{ field: 'file' }]));
    const media = await fetch(`${app.url}/media/${res.body.images[0].storageKey}`);
    expect(media.status).toBe(200);
    expect(new Uint8Array(await media.arrayBuffer())).toEqual(PNG);
  });

  it('keeps sort orders distinct under concurrent uploads to one product', async () => {
    const p = await makeProduct(app.database.db);
    const results = await Promise.all(
      Array.from({ length: 6 }, () =>
        upload(imagesUrl(p.id), admin.token, form([{ field: 'files' }, { field: 'files' }])),
      ),
    );
    expect(results.every((r) => r.status === 201)).toBe(true);
    const orders = results.flatMap((r) => r.body.images.map((i: Json) => i.sortOrder)).sort((a, b) => a - b);
    expect(orders).toEqual(Array.from({ length: 12 }, (_, i) => i));
  });
});

describe('reorder and delete', () => {
  it('assigns 1..n in the given order, leaves unlisted images alone and refuses foreign ids', async () => {
    const p = await makeProduct(app.database.db, {
      images: [{ sortOrder: 0 }, { sortOrder: 1 }, { sortOrder: 9 }],
    });
    const { rows } = await app.database.pool.query(
      'select id, sort_order from product_images where product_id = $1 order by sort_order',
      [p.id],
    );
    const [a, b, c] = rows.map((r) => r.id as string);
    const res = await admin.call('PATCH', `/admin/products/${p.id}/images/reorder`, { imageIds: [b, a] });
    expect(res.status).toBe(200);
    expect(res.body.images.map((i: Json) => [i.id, i.sortOrder])).toEqual([
      [b, 1],
      [a, 2],
      [c, 9],
    ]);
    const other = await makeProduct(app.database.db, { images: [{}] });
    const { rows: foreign } = await app.database.pool.query(
      'select id from product_images where product_id = $1',
      [other.id],
    );
    const refused = await admin.call('PATCH', `/admin/products/${p.id}/images/reorder`, {
      imageIds: [a, foreign[0].id],
    });
    expect(refused.status).toBe(404);
    expect(
      failedFields(
        (await admin.call('PATCH', `/admin/products/${p.id}/images/reorder`, { imageIds: [] })).body,
      ),
    ).toContain('imageIds');
  });

  it('deletes the object and the row, and 404s for another product’s image', async () => {
    const p = await makeProduct(app.database.db);
    const up = await upload(imagesUrl(p.id), admin.token, form([{ field: 'file' }]));
    const image = up.body.images[0];
    const other = await makeProduct(app.database.db);
    expect((await admin.call('DELETE', `/admin/products/${other.id}/images/${image.id}`)).status).toBe(404);
    const res = await admin.call('DELETE', `/admin/products/${p.id}/images/${image.id}`);
    expect(res.body).toEqual({ id: image.id, deleted: true });
    expect(existsSync(join(app.storageDir, image.storageKey))).toBe(false);
    expect(await rowCount(p.id)).toBe(0);
  });
});
