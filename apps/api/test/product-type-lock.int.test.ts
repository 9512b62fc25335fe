import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeProduct } from '@popbox/db/testing';
import { makeKujiProduct } from '@popbox/domain/testing';
import { adminClient, type AdminClient } from './support/admin.js';
import { inventoryOf, postCheckout, sql } from './support/checkout.js';
import { startTestApp, type TestApp } from './support/test-app.js';

/**
 * Issue 12 (8): a product's type cannot change while an open order, a reservation or a pending draw holds it
 * (a kuji order paid after the switch dealt the now-standard product and overwrote its on_hand).
 */
let app: TestApp;
let admin: AdminClient;
beforeAll(async () => {
  app = await startTestApp();
  admin = await adminClient(app);
});
afterAll(() => app?.close());

const db = () => app.database.db;
const productRow = async (id: string) =>
  (await sql(app, `select product_type as "type", name from products where id = $1`, [id]))[0]!;
const auditRows = async (id: string) =>
  sql(app, `select action from admin_audit_log where entity_id = $1 and action = 'product.update'`, [id]);

async function pendingCheckout(productId: string, quantity = 1) {
  const res = await postCheckout(app, { items: [{ productId, quantity }] });
  expect(res.status).toBe(201);
  return ((await res.json()) as { orderId: string }).orderId;
}

describe('PATCH /admin/products/{id} productType (issue 12, defect 8)', () => {
  it('refuses kuji → standard while a kuji order is pending (409), and changes nothing', async () => {
    const kuji = await makeKujiProduct(db(), { prizes: [{ code: 'A1', quantity: 4 }] });
    const orderId = await pendingCheckout(kuji.product.id, 3);
    const stockBefore = await inventoryOf(db(), kuji.product.id);

    const res = await admin.call('PATCH', `/admin/products/${kuji.product.id}`, {
      productType: 'standard',
      name: 'Renamed too',
    });
    expect(res.status).toBe(409);
    expect(res.body.error.code).toBe('PRODUCT_TYPE_LOCKED');
    expect(res.body.error.message).toBe(
      'The product type cannot change from kuji to standard while it has 1 open order awaiting payment, ' +
        '1 active reservation: wait until they are paid, dealt or expired (or set the product inactive first to stop new checkouts)',
    );
    expect(res.body.error.details).toMatchObject({
      field: 'productType',
      from: 'kuji',
      to: 'standard',
      openOrders: 1,
      activeReservations: 1,
      pendingDraws: 0,
    });
    expect(await productRow(kuji.product.id)).toEqual({ type: 'kuji', name: kuji.product.name });
    expect(await inventoryOf(db(), kuji.product.id)).toMatchObject({
      onHand: stockBefore.onHand,
      reserved: stockBefore.reserved,
    });
    expect(await auditRows(kuji.product.id)).toHaveLength(0);

    // Other edits still work while the order is open; the same type is not a change.
    const rename = await admin.call('PATCH', `/admin/products/${kuji.product.id}`, {
      name: 'Hero Board',
      productType: 'kuji',
    });
    expect(rename.status).toBe(200);

    // Once the order no longer holds the product, the type may change.
    await sql(app, `update inventory_reservations set status = 'released' where order_id = $1`, [orderId]);
    await sql(app, `update product_inventory set reserved = 0 where product_id = $1`, [kuji.product.id]);
    await sql(app, `update orders set status = 'cancelled', cancelled_at = now() where id = $1`, [orderId]);
    const ok = await admin.call('PATCH', `/admin/products/${kuji.product.id}`, { productType: 'standard' });
    expect(ok.status).toBe(200);
    expect(ok.body.productType).toBe('standard');
  });

  it('refuses standard → kuji while a reservation holds it, and kuji → standard while a draw waits for dealing', async () => {
    const standard = await makeProduct(db(), { inventory: { onHand: 5 } });
    await pendingCheckout(standard.id);
    const res = await admin.call('PATCH', `/admin/products/${standard.id}`, { productType: 'kuji' });
    expect(res.status).toBe(409);
    expect(res.body.error.code).toBe('PRODUCT_TYPE_LOCKED');
    expect((await productRow(standard.id)).type).toBe('standard');

    // A paid line whose tickets are still pending (v2: logged, waiting for its beacon round) holds the board.
    const kuji = await makeKujiProduct(db(), { prizes: [{ code: 'A1', quantity: 4 }] });
    const res2 = await postCheckout(
      app,
      { items: [{ productId: kuji.product.id, quantity: 1 }] },
      randomUUID(),
    );
    const { sessionId } = (await res2.json()) as { sessionId: string };
    const paid = await fetch(`${app.url}/dev/checkout/${sessionId}/pay`, {
      method: 'POST',
      redirect: 'manual',
    });
    expect(paid.status).toBe(303);
    const [pending] = await sql(
      app,
      `select count(*)::int as n from tickets where kuji_product_id = $1 and kuji_prize_id is null`,
      [kuji.product.id],
    );
    expect(pending!.n).toBe(1);
    const locked = await admin.call('PATCH', `/admin/products/${kuji.product.id}`, {
      productType: 'standard',
    });
    expect(locked.status).toBe(409);
    expect(locked.body.error).toMatchObject({
      code: 'PRODUCT_TYPE_LOCKED',
      details: { openOrders: 0, activeReservations: 0, pendingDraws: 1 },
    });
    expect(locked.body.error.message).toContain('1 kuji draw waiting to be dealt');
    expect((await productRow(kuji.product.id)).type).toBe('kuji');
  });
});
