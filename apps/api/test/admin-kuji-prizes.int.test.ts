import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeProduct } from '@popbox/db/testing';
import { startTestApp, type TestApp } from './support/test-app.js';
import { adminClient, failedFields, type AdminClient } from './support/admin.js';
import { form, upload } from './support/images.js';
import type { Json } from './support/http.js';
import { makeKujiProduct } from '@popbox/domain/testing';

let app: TestApp;
let admin: AdminClient;
beforeAll(async () => {
  app = await startTestApp();
  admin = await adminClient(app);
});
afterAll(() => app?.close());

const inventory = async (productId: string) =>
  (
    await app.database.pool.query('select on_hand, reserved from product_inventory where product_id = $1', [
      productId,
    ])
  ).rows[0] as { on_hand: number; reserved: number };
const setReserved = (productId: string, reserved: number) =>
  app.database.pool.query('update product_inventory set reserved = $2 where product_id = $1', [
    productId,
    reserved,
  ]);
const prizes = (id: string) => `/admin/products/${id}/kuji-prizes`;

describe('kuji prizes', () => {
  it('creates normalised prize lines and recomputes on_hand without the Last One prize', async () => {
    const { product } = await makeKujiProduct(app.database.db, { prizes: [] });
    const a = await admin.call('POST', prizes(product.id), {
      prizeCode: ' a1 ',
      prizeTier: ' a ',
      name: 'Big Figure',
      initialQuantity: 2,
    });
    expect(a.status).toBe(201);
    expect(a.body).toMatchObject({
      prizeCode: 'A1',
      prizeTier: 'A',
      initialQuantity: 2,
      remainingQuantity: 2,
      sortOrder: 0,
    });
    await admin.call('POST', prizes(product.id), {
      prizeCode: 'b1',
      prizeTier: 'b',
      name: 'Towel',
      initialQuantity: 5,
      remainingQuantity: 3,
      sortOrder: 1,
    });
    await admin.call('POST', prizes(product.id), {
      prizeCode: 'lo',
      prizeTier: 'lo',
      name: 'Last One',
      initialQuantity: 1,
      sortOrder: 9,
    });
    expect((await inventory(product.id)).on_hand).toBe(5);
    const list = await admin.call('GET', prizes(product.id));
    expect(list.body.items.map((p: Json) => p.prizeCode)).toEqual(['A1', 'B1', 'LO']);
    const card = await fetch(`${app.url}/api/v1/products/${product.slug}`).then(
      (r) => r.json() as Promise<Json>,
    );
    expect(card.inventory.onHand).toBe(5);
  });

  it('refuses remaining > initial, duplicate codes, blank tiers and wrong product types', async () => {
    const { product } = await makeKujiProduct(app.database.db);
    const tooMany = await admin.call('POST', prizes(product.id), {
      prizeCode: 'X1',
      prizeTier: 'X',
      name: 'x',
      initialQuantity: 1,
      remainingQuantity: 2,
    });
    expect(tooMany.status).toBe(409);
    expect(tooMany.body.error.code).toBe('PRIZE_QUANTITY_INVALID');
    const dup = await admin.call('POST', prizes(product.id), {
      prizeCode: 'a1',
      prizeTier: 'A',
      name: 'x',
      initialQuantity: 1,
    });
    expect(dup.status).toBe(409);
    expect(dup.body.error).toMatchObject({ code: 'DUPLICATE', details: { field: 'prizeCode' } });
    const blank = await admin.call('POST', prizes(product.id), {
      prizeCode: 'Z1',
      prizeTier: '   ',
      name: 'x',
      initialQuantity: 1,
    });
    expect(failedFields(blank.body)).toContain('prizeTier');
    const quantityString = await admin.call('POST', prizes(product.id), {
      prizeCode: 'Z1',
      prizeTier: 'Z',
      name: 'x',
      initialQuantity: '1',
    });
    expect(failedFields(quantityString.body)).toContain('initialQuantity');
    const standard = await makeProduct(app.database.db);
    expect((await admin.call('GET', prizes(standard.id))).status).toBe(422);
    expect(
      (
        await admin.call('POST', prizes(standard.id), {
          prizeCode: 'A1',
          prizeTier: 'A',
          name: 'x',
          initialQuantity: 1,
        })
      ).status,
    ).toBe(422);
    const missing = '00000000-0000-4000-8000-000000000999';
    expect((await admin.call('GET', prizes(missing))).status).toBe(404);
    expect(
      (
        await admin.call('POST', prizes(missing), {
          prizeCode: 'A1',
          prizeTier: 'A',
          name: 'x',
          initialQuantity: 1,
        })
      ).status,
    ).toBe(404);
  });

  it('keeps on_hand >= reserved through create, update and delete (409 otherwise)', async () => {
    const { product, prizes: rows } = await makeKujiProduct(app.database.db, {
      prizes: [
        { code: 'A1', quantity: 3 },
        { code: 'B1', quantity: 3 },
        { code: 'LO', tier: 'LO', quantity: 1 },
      ],
    });
    await setReserved(product.id, 5);
    const lower = await admin.call('PATCH', `${prizes(product.id)}/${rows[0]!.id}`, { remainingQuantity: 1 });
    expect(lower.status).toBe(409);
    expect(lower.body.error.code).toBe('INVENTORY_BELOW_RESERVED');
    const drop = await admin.call('DELETE', `${prizes(product.id)}/${rows[1]!.id}`);
    expect(drop.status).toBe(409);
    expect((await inventory(product.id)).on_hand).toBe(6);
    // Deleting the Last One prize does not change the count.
    expect((await admin.call('DELETE', `${prizes(product.id)}/${rows[2]!.id}`)).body).toEqual({
      id: rows[2]!.id,
      deleted: true,
    });
    const retier = await admin.call('PATCH', `${prizes(product.id)}/${rows[1]!.id}`, { prizeTier: 'lo' });
    expect(retier.status).toBe(409);
    await setReserved(product.id, 0);
    const ok = await admin.call('PATCH', `${prizes(product.id)}/${rows[1]!.id}`, {
      prizeTier: 'lo',
      name: 'Now last one',
    });
    expect(ok.status).toBe(200);
    expect(ok.body).toMatchObject({ prizeTier: 'LO', prizeCode: 'B1', name: 'Now last one' });
    expect((await inventory(product.id)).on_hand).toBe(3);
  });

  it('updates with merge semantics and 404 for a prize of another product or one that does not exist', async () => {
    const { product, prizes: rows } = await makeKujiProduct(app.database.db);
    const other = await makeKujiProduct(app.database.db);
    expect(
      (await admin.call('PATCH', `${prizes(other.product.id)}/${rows[0]!.id}`, { name: 'x' })).status,
    ).toBe(404);
    const upd = await admin.call('PATCH', `${prizes(product.id)}/${rows[1]!.id}`, {
      initialQuantity: 8,
      remainingQuantity: 7,
    });
    expect(upd.body).toMatchObject({
      prizeCode: 'B1',
      prizeTier: 'B',
      initialQuantity: 8,
      remainingQuantity: 7,
    });
    expect(
      (await admin.call('PATCH', `${prizes(product.id)}/${rows[1]!.id}`, { initialQuantity: 6 })).status,
    ).toBe(409);
    const gone = '00000000-0000-4000-8000-000000000999';
    const missing = await admin.call('DELETE', `${prizes(product.id)}/${gone}`);
    expect(missing.status).toBe(404);
    expect(missing.body.error.code).toBe('NOT_FOUND');
    const audit = await app.database.pool.query(
      `select action, before, after from admin_audit_log where entity_id = $1`,
      [rows[1]!.id],
    );
    expect(audit.rows).toHaveLength(1);
    expect(audit.rows[0]).toMatchObject({
      action: 'kuji_prize.update',
      before: { remainingQuantity: 3 },
      after: { remainingQuantity: 7 },
    });
  });

  it('refuses to delete a prize that tickets reference (409, not 500)', async () => {
    const { product, prizes: rows } = await makeKujiProduct(app.database.db);
    const q = (text: string, params: unknown[]) => app.database.pool.query(text, params);
    const customer = (
      await q(`insert into customers (email) values ($1) returning id`, [`k-${product.id}@x.test`])
    ).rows[0];
    const order = (
      await q(
        `insert into orders (public_id, checkout_idempotency_key, status, customer_id) values ($1, $1, 'paid', $2) returning id`,
        [`PB-${product.id.slice(0, 8)}`, customer.id],
      )
    ).rows[0];
    const item = (
      await q(
        `insert into order_items (order_id, product_id, product_name, product_type, unit_price_cents, quantity, line_total_cents, metadata)
         values ($1, $2, 'k', 'kuji', 100, 1, 100, '{}') returning id`,
        [order.id, product.id],
      )
    ).rows[0];
    await q(
      `insert into tickets (order_id, order_item_id, customer_id, kuji_product_id, kuji_prize_id, ticket_number)
       values ($1, $2, $3, $4, $5, $6)`,
      [order.id, item.id, customer.id, product.id, rows[0]!.id, `T-${product.id}`],
    );
    const res = await admin.call('DELETE', `${prizes(product.id)}/${rows[0]!.id}`);
    expect(res.status).toBe(409);
    expect(res.body.error.code).toBe('CONFLICT');
  });

  it('recomputes on_hand correctly under concurrent prize edits', async () => {
    const { product } = await makeKujiProduct(app.database.db, { prizes: [] });
    const results = await Promise.all(
      Array.from({ length: 12 }, (_, i) =>
        admin.call('POST', prizes(product.id), {
          prizeCode: `C${i}`,
          prizeTier: 'C',
          name: `C${i}`,
          initialQuantity: i + 1,
        }),
      ),
    );
    expect(results.every((r) => r.status === 201)).toBe(true);
    expect((await inventory(product.id)).on_hand).toBe(78);
  });
});

describe('prize images', () => {
  it('uploads one image and returns its public URL; replacing it deletes the old managed object after commit', async () => {
    const { product, prizes: rows } = await makeKujiProduct(app.database.db);
    const url = `${app.url}/api/v1/admin/products/${product.id}/kuji-prizes/upload-image`;
    const first = await upload(url, admin.token, form([{ field: 'file', name: 'Big Figure.PNG' }]));
    expect(first.status).toBe(201);
    expect(first.body.imageUrl).toMatch(
      new RegExp(
        `^http://media\\.test/media/products/${product.id}/kuji-prizes/[0-9a-f-]{36}-big-figure-png$`,
      ),
    );
    const key = (u: string) => u.replace('http://media.test/media/', '');
    expect(existsSync(join(app.storageDir, key(first.body.imageUrl)))).toBe(true);
    const prizePath = `${prizes(product.id)}/${rows[0]!.id}`;
    expect((await admin.call('PATCH', prizePath, { imageUrl: first.body.imageUrl })).status).toBe(200);
    // Unchanged URL: nothing deleted.
    await admin.call('PATCH', prizePath, { imageUrl: first.body.imageUrl });
    expect(existsSync(join(app.storageDir, key(first.body.imageUrl)))).toBe(true);
    // A failed update deletes nothing.
    const second = await upload(url, admin.token, form([{ field: 'file', name: 'b.png' }]));
    expect(
      (await admin.call('PATCH', prizePath, { imageUrl: second.body.imageUrl, remainingQuantity: 99 }))
        .status,
    ).toBe(409);
    expect(existsSync(join(app.storageDir, key(first.body.imageUrl)))).toBe(true);
    expect((await admin.call('PATCH', prizePath, { imageUrl: second.body.imageUrl })).status).toBe(200);
    expect(existsSync(join(app.storageDir, key(first.body.imageUrl)))).toBe(false);
    // A foreign URL is never treated as ours.
    expect((await admin.call('PATCH', prizePath, { imageUrl: 'https://cdn.example/x.png' })).status).toBe(
      200,
    );
    expect(existsSync(join(app.storageDir, key(second.body.imageUrl)))).toBe(false);
  });

  it('requires exactly one file in field "file", an image type and a kuji product', async () => {
    const { product } = await makeKujiProduct(app.database.db);
    const url = `${app.url}/api/v1/admin/products/${product.id}/kuji-prizes/upload-image`;
    expect((await upload(url, admin.token, form([]))).status).toBe(400);
    expect((await upload(url, admin.token, form([{ field: 'file' }, { field: 'file' }]))).status).toBe(400);
    expect((await upload(url, admin.token, form([{ field: 'image' }]))).status).toBe(400);
    expect(
      (
        await upload(
          url,
          admin.token,
          form([{ field: 'file', type: 'image/gif', bytes: new Uint8Array([71, 73, 70]) }]),
        )
      ).status,
    ).toBe(422);
    const standard = await makeProduct(app.database.db);
    const wrongType = await upload(
      `${app.url}/api/v1/admin/products/${standard.id}/kuji-prizes/upload-image`,
      admin.token,
      form([{ field: 'file' }]),
    );
    expect(wrongType.status).toBe(422);
  });
});
