import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeProduct, makeUser } from '@popbox/db/testing';
import { json } from './support/http.js';
import {
  inventoryOf,
  orderOf,
  postCheckout,
  postWebhook,
  sql,
  startCheckoutHarness,
  type CheckoutHarness,
} from './support/checkout.js';

let h: CheckoutHarness;
let token: string;
const ADMIN_ID = '00000000-0000-4000-8000-00000000a001';

beforeAll(async () => {
  h = await startCheckoutHarness();
  await makeUser(h.app.database.db, { id: ADMIN_ID, email: 'admin@popbox.test', role: 'admin' });
  token = await h.app.adminToken(ADMIN_ID);
});
afterAll(() => h?.close());

const db = () => h.app.database.db;

function retry(orderId: string, bearer: string | null = token) {
  return fetch(`${h.app.url}/api/v1/admin/orders/${orderId}/retry-finalisation`, {
    method: 'POST',
    headers: bearer ? { authorization: `Bearer ${bearer}` } : {},
  });
}

/** A paid order parked because its stock was resold while the buyer was still paying. */
async function parkedLatePayment(onHand = 1) {
  const p = await makeProduct(db(), { inventory: { onHand } });
  const res = await postCheckout(h.app, { items: [{ productId: p.id, quantity: onHand }] });
  const { orderId, sessionId } = await json(res);
  await sql(
    h.app,
    `with r as (update inventory_reservations set status = 'expired'
                where order_id = $1 and status = 'active' returning product_id, quantity)
     update product_inventory i set reserved = i.reserved - r.quantity from r where i.product_id = r.product_id`,
    [orderId],
  );
  await sql(h.app, `update orders set status = 'expired' where id = $1`, [orderId]);
  await sql(h.app, `update product_inventory set on_hand = 0 where product_id = $1`, [p.id]); // resold
  await postWebhook(h.app, h.stripe.event('checkout.session.completed', h.stripe.complete(sessionId)));
  const state = await orderOf(db(), orderId);
  expect(state.order.status).toBe('paid_needs_attention');
  return { productId: p.id, orderId };
}

describe('POST /api/v1/admin/orders/{id}/retry-finalisation (F5)', () => {
  it('refuses while stock is still missing (409, nothing changes), then finalises after a restock', async () => {
    const { productId, orderId } = await parkedLatePayment(2);
    const early = await retry(orderId);
    expect(early.status).toBe(409);
    expect((await json(early)).error.code).toBe('OUT_OF_STOCK');
    expect((await orderOf(db(), orderId)).order.status).toBe('paid_needs_attention');

    await sql(h.app, `update product_inventory set on_hand = 5 where product_id = $1`, [productId]);
    const res = await retry(orderId);
    expect(res.status).toBe(200);
    expect(await json(res)).toMatchObject({ id: orderId, status: 'paid', attentionReason: null });
    const state = await orderOf(db(), orderId);
    expect(state.order).toMatchObject({ status: 'paid', attentionReason: null });
    expect(await inventoryOf(db(), productId)).toMatchObject({ onHand: 3, reserved: 0 });
    expect(state.emails.map((e) => e.kind).sort()).toEqual([
      'order_confirmation',
      'shop_alert',
      'shop_notification',
    ]);

    const audit = await db().query.adminAuditLog.findMany({ where: (t, { eq }) => eq(t.entityId, orderId) });
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({
      action: 'order.retry_finalisation',
      actorUserId: ADMIN_ID,
      entityType: 'order',
      before: { status: 'paid_needs_attention' },
      after: { status: 'paid' },
    });

    const again = await retry(orderId);
    expect(again.status).toBe(409);
    expect((await json(again)).error.code).toBe('INVALID_TRANSITION');
  });

  it('refuses to retry an order parked for a money problem (refund it instead)', async () => {
    const p = await makeProduct(db(), { inventory: { onHand: 2 } });
    const { orderId, sessionId } = await json(
      await postCheckout(h.app, { items: [{ productId: p.id, quantity: 1 }] }),
    );
    await postWebhook(
      h.app,
      h.stripe.event('checkout.session.completed', h.stripe.complete(sessionId, { discountCents: 300 })),
    );
    const res = await retry(orderId);
    expect(res.status).toBe(409);
    expect((await json(res)).error).toMatchObject({
      code: 'CONFLICT',
      details: { attentionReason: expect.stringMatching(/discount_applied/) },
    });
  });

  it('requires an admin: 401 without a token, 404 for an unknown order, 400 for a malformed id', async () => {
    const { orderId } = await parkedLatePayment();
    expect((await retry(orderId, null)).status).toBe(401);
    const unknown = await retry('00000000-0000-4000-8000-000000000bad');
    expect(unknown.status).toBe(404);
    expect((await retry('not-a-uuid')).status).toBe(400);
  });
});
