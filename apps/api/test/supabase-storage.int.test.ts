import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { makeProduct } from '@popbox/db/testing';
import { supabaseStorage } from '@popbox/domain';
import type { Json } from './support/http.js';
import { startTestApp, type TestApp } from './support/test-app.js';
import { adminClient, type AdminClient } from './support/admin.js';
import { startFakeStorage, type FakeStorage } from './support/fake-supabase-storage.js';
import { form, upload } from './support/images.js';
import { makeKujiProduct } from '@popbox/domain/testing';

const BUCKET = 'product-images';
let fake: FakeStorage;
let app: TestApp;
let admin: AdminClient;

beforeAll(async () => {
  fake = await startFakeStorage(BUCKET);
  app = await startTestApp({
    deps: { storage: supabaseStorage({ url: fake.url, secretKey: 'service-role-test-key', bucket: BUCKET }) },
  });
  admin = await adminClient(app);
});
afterAll(async () => {
  await app?.close();
  await fake?.close();
});
beforeEach(() => {
  fake.outage = false;
  fake.failDeletes = false;
  fake.failUploadNumber = null;
  fake.buckets = new Set([BUCKET]);
});

const imagesUrl = (id: string) => `${app.url}/api/v1/admin/products/${id}/images`;
const rowsOf = async (productId: string) =>
  (await app.database.pool.query('select * from product_images where product_id = $1', [productId])).rows;
const objectsOf = (productId: string) => [...fake.objects.keys()].filter((k) => k.includes(productId));

describe('Supabase Storage adapter', () => {
  it('uploads with the service-role key and derives public URLs', async () => {
    const p = await makeProduct(app.database.db);
    const res = await upload(
      imagesUrl(p.id),
      admin.token,
      form([{ field: 'files' }, { field: 'files', name: 'b.png' }]),
    );
    expect(res.status).toBe(201);
    const key = res.body.images[0].storageKey;
    expect(res.body.images[0].url).toBe(`${fake.url}/storage/v1/object/public/${BUCKET}/${key}`);
    expect(fake.objects.get(`${BUCKET}/${key}`)?.contentType).toBe('image/png');
    expect(fake.requests.at(-1)?.authorization).toBe('Bearer service-role-test-key');
    const detail = await fetch(`${app.url}/api/v1/products/${p.slug}`).then((r) => r.json() as Promise<Json>);
    expect(detail.images[0].url).toBe(res.body.images[0].url);
  });

  it('answers 502 and writes nothing during a storage outage', async () => {
    const p = await makeProduct(app.database.db);
    fake.outage = true;
    const res = await upload(imagesUrl(p.id), admin.token, form([{ field: 'files' }]));
    expect(res.status).toBe(502);
    expect(res.body.error).toEqual({
      code: 'UPSTREAM_FAILED',
      status: 502,
      message: 'The storage provider could not be reached; please try again',
      requestId: expect.any(String),
    });
    expect(await rowsOf(p.id)).toEqual([]);
    expect(objectsOf(p.id)).toEqual([]);
    const audit = await app.database.pool.query('select 1 from admin_audit_log where entity_id = $1', [p.id]);
    expect(audit.rows).toEqual([]);
  });

  it('removes the already-uploaded objects when a later file fails (no orphan)', async () => {
    const p = await makeProduct(app.database.db);
    fake.failUploadNumber = fake.uploads + 3;
    const res = await upload(
      imagesUrl(p.id),
      admin.token,
      form([{ field: 'files' }, { field: 'files' }, { field: 'files' }]),
    );
    expect(res.status).toBe(502);
    expect(objectsOf(p.id)).toEqual([]);
    expect(await rowsOf(p.id)).toEqual([]);
  });

  it('removes the uploaded objects when the database insert fails', async () => {
    const p = await makeProduct(app.database.db);
    await app.database.pool.query(`
      create or replace function test_refuse_image() returns trigger language plpgsql as $$
      begin if new.alt_text = 'boom' then raise exception 'refused for the test'; end if; return new; end $$;
      drop trigger if exists test_refuse_image on product_images;
      create trigger test_refuse_image before insert on product_images for each row execute function test_refuse_image();`);
    try {
      const res = await upload(
        imagesUrl(p.id),
        admin.token,
        form([{ field: 'files' }, { field: 'altTexts', value: 'boom' }]),
      );
      expect(res.status).toBe(500);
      expect(objectsOf(p.id)).toEqual([]);
      expect(await rowsOf(p.id)).toEqual([]);
    } finally {
      await app.database.pool.query('drop trigger test_refuse_image on product_images');
    }
  });

  it('answers 502 when even the cleanup fails, and logs the orphans instead of leaking them', async () => {
    const p = await makeProduct(app.database.db);
    fake.failUploadNumber = fake.uploads + 2;
    fake.failDeletes = true;
    const res = await upload(imagesUrl(p.id), admin.token, form([{ field: 'files' }, { field: 'files' }]));
    expect(res.status).toBe(502);
    expect(res.body.error.details).toBeUndefined();
    expect(await rowsOf(p.id)).toEqual([]);
  });

  it('answers 503 when the bucket is missing', async () => {
    const p = await makeProduct(app.database.db);
    fake.buckets = new Set();
    const res = await upload(imagesUrl(p.id), admin.token, form([{ field: 'files' }]));
    expect(res.status).toBe(503);
    expect(res.body.error.code).toBe('DEPENDENCY_UNAVAILABLE');
    const { product } = await makeKujiProduct(app.database.db);
    const prize = await upload(
      `${app.url}/api/v1/admin/products/${product.id}/kuji-prizes/upload-image`,
      admin.token,
      form([{ field: 'file' }]),
    );
    expect(prize.status).toBe(503);
  });

  it('keeps the image row when the object cannot be deleted (502), and deletes both otherwise', async () => {
    const p = await makeProduct(app.database.db);
    const up = await upload(imagesUrl(p.id), admin.token, form([{ field: 'files' }]));
    const image = up.body.images[0];
    fake.failDeletes = true;
    expect((await admin.call('DELETE', `/admin/products/${p.id}/images/${image.id}`)).status).toBe(502);
    expect(await rowsOf(p.id)).toHaveLength(1);
    fake.failDeletes = false;
    expect((await admin.call('DELETE', `/admin/products/${p.id}/images/${image.id}`)).status).toBe(200);
    expect(await rowsOf(p.id)).toEqual([]);
    expect(objectsOf(p.id)).toEqual([]);
  });
});
