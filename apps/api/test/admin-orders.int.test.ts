import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeCustomer, makeOrder, makeProduct, makeReservation, makeTicket } from '@popbox/db/testing';
import type { OrderStatus } from '@popbox/db';
import { confirmationEmailLock, lockKey, orderAccessUrl, orderActionLock } from '@popbox/domain';
import { adminClient, failedFields, type AdminClient } from './support/admin.js';
import { bootstrapWithLink, guestCookie } from './support/guest.js';
import {
  inventoryOf,
  orderOf,
  paidCheckout,
  postCheckout,
  sql,
  startCheckoutHarness,
  type CheckoutHarness,
} from './support/checkout.js';
import { makeKujiProduct } from '@popbox/domain/testing';

/** B14 admin orders, customers and access links over REST (and tRPC where it matters), F5/F6/F8/F13. */
let h: CheckoutHarness;
let admin: AdminClient;

beforeAll(async () => {
  h = await startCheckoutHarness();
  admin = await adminClient(h.app);
});
afterAll(() => h?.close());

const db = () => h.app.database.db;
const ALL_STATUSES: OrderStatus[] = [
  'pending_payment',
  'paid',
  'packed',
  'shipped',
  'cancelled',
  'refunded',
  'paid_needs_attention',
  'expired',
];

async function orderIn(status: OrderStatus, customerEmail?: string) {
  const customer =
    status === 'pending_payment'
      ? null
      : await makeCustomer(db(), customerEmail ? { email: customerEmail } : {});
  const p = await makeProduct(db(), { product: { priceCents: 2500 } });
  const { order } = await makeOrder(db(), {
    order: { status, customerId: customer?.id ?? null },
    lines: [{ product: p, quantity: 1 }],
  });
  return order;
}

const patchStatus = (id: string, status: string) =>
  admin.call('PATCH', `/admin/orders/${id}/status`, { status });
const patchShipment = (id: string, body: Record<string, unknown>) =>
  admin.call('PATCH', `/admin/orders/${id}/shipment`, body);
const emailsOf = async (orderId: string) => (await orderOf(db(), orderId)).emails;
const auditOf = (orderId: string) =>
  db().query.adminAuditLog.findMany({ where: (t, { eq }) => eq(t.entityId, orderId) });

/** Holds a transaction-scoped advisory lock on its own connection until released. */
async function holdLock(name: string) {
  const client = await h.app.database.pool.connect();
  await client.query('begin');
  await client.query('select pg_advisory_xact_lock($1::bigint)', [lockKey(name).toString()]);
  return async () => {
    await client.query('rollback');
    client.release();
  };
}

describe('PATCH /api/v1/admin/orders/{id}/status: every edge of the order status machine', () => {
  // Security rule 9 / B14: exactly these admin moves exist; everything else is refused.
  const ALLOWED = new Set(['paid>packed', 'packed>shipped', 'pending_payment>cancelled']);
  const ADMIN_TARGETS = new Set(['packed', 'shipped', 'cancelled']);
  const pairs = ALL_STATUSES.flatMap((from) => ALL_STATUSES.map((to) => [from, to] as const));

  it.each(pairs)('%s → %s', async (from, to) => {
    const order = await orderIn(from);
    const res = await patchStatus(order.id, to);
    const after = (await orderOf(db(), order.id)).order;
    if (!ADMIN_TARGETS.has(to)) {
      expect(res.status).toBe(400);
      expect(res.body.error.code).toBe('VALIDATION_FAILED');
      expect(failedFields(res.body)).toEqual(['status']);
      expect(after.status).toBe(from);
    } else if (ALLOWED.has(`${from}>${to}`)) {
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ id: order.id, status: to });
      expect(after.status).toBe(to);
      expect((await auditOf(order.id)).map((a) => [a.action, a.before, a.after])).toEqual([
        ['order.status_update', { status: from }, { status: to }],
      ]);
    } else {
      expect(res.status).toBe(409);
      expect(res.body.error).toMatchObject({ code: 'INVALID_TRANSITION', details: { status: from } });
      expect(after.status).toBe(from);
      expect(await auditOf(order.id)).toHaveLength(0);
    }
  });

  it('ships without a shipment row or email', async () => {
    const order = await orderIn('packed');
    const res = await patchStatus(order.id, 'shipped');
    expect(res.status).toBe(200);
    expect(res.body.shipment).toBeNull();
    expect(await emailsOf(order.id)).toHaveLength(0);
  });

  it('cancels an unpaid checkout: stock released, cancelled_at set, Stripe session expired after the commit (F6)', async () => {
    const p = await makeProduct(db(), { inventory: { onHand: 4 } });
    const res = await postCheckout(h.app, { items: [{ productId: p.id, quantity: 3 }] });
    const { orderId, sessionId } = (await res.json()) as { orderId: string; sessionId: string };
    expect((await inventoryOf(db(), p.id)).reserved).toBe(3);

    const cancelled = await patchStatus(orderId, 'cancelled');
    expect(cancelled.status).toBe(200);
    expect(cancelled.body.status).toBe('cancelled');
    expect(cancelled.body.cancelledAt).not.toBeNull();
    const state = await orderOf(db(), orderId);
    expect(state.reservations.map((r) => r.status)).toEqual(['released']);
    expect(await inventoryOf(db(), p.id)).toMatchObject({ onHand: 4, reserved: 0 });
    expect(h.stripe.sessions.get(sessionId)!.status).toBe('expired');
    expect(
      h.stripe.calls.some(
        (c) => c.method === 'POST' && c.path === `/v1/checkout/sessions/${sessionId}/expire`,
      ),
    ).toBe(true);
  });

  it('still cancels when the Stripe session is gone or no longer open', async () => {
    const p = await makeProduct(db(), { inventory: { onHand: 4 } });
    const res = await postCheckout(h.app, { items: [{ productId: p.id, quantity: 1 }] });
    const { orderId, sessionId } = (await res.json()) as { orderId: string; sessionId: string };
    h.stripe.expire(sessionId);
    expect((await patchStatus(orderId, 'cancelled')).status).toBe(200);

    const gone = await orderIn('pending_payment');
    await sql(h.app, `update orders set stripe_checkout_session_id = 'cs_test_gone' where id = $1`, [
      gone.id,
    ]);
    const r = await makeReservation(db(), { orderId: gone.id, productId: p.id, quantity: 1 });
    await sql(h.app, `update product_inventory set reserved = reserved + 1 where product_id = $1`, [p.id]);
    expect((await patchStatus(gone.id, 'cancelled')).status).toBe(200);
    expect(
      (await db().query.inventoryReservations.findFirst({ where: (t, { eq }) => eq(t.id, r.id) }))!.status,
    ).toBe('released');
  });

  it('answers 409 ORDER_BUSY while another action holds the order, and 404 for an unknown order', async () => {
    const order = await orderIn('paid');
    const release = await holdLock(orderActionLock(order.id));
    try {
      const res = await patchStatus(order.id, 'packed');
      expect(res.status).toBe(409);
      expect(res.body.error.code).toBe('ORDER_BUSY');
    } finally {
      await release();
    }
    expect((await patchStatus(order.id, 'packed')).status).toBe(200);
    expect((await patchStatus(randomUUID(), 'packed')).status).toBe(404);
  });
});

describe('PATCH /api/v1/admin/orders/{id}/shipment (B14)', () => {
  it('ships a packed order with the shipped email, defaulting shipped_at to now', async () => {
    const order = await orderIn('packed');
    const res = await patchShipment(order.id, {
      carrierName: 'Canada Post',
      trackingNumber: 'CP123<b>',
      trackingUrl: 'https://track.example/CP123?a=1&b=2',
    });
    expect(res.status).toBe(200);
    expect(res.body.status).toBe('shipped');
    expect(res.body.shipment).toMatchObject({ carrierName: 'Canada Post', trackingNumber: 'CP123<b>' });
    expect(Date.now() - Date.parse(res.body.shipment.shippedAt)).toBeLessThan(60_000);
    const emails = await emailsOf(order.id);
    expect(emails.map((e) => e.kind)).toEqual(['shipped']);
    expect(emails[0]!.html).toContain('CP123&lt;b&gt;');
    expect(emails[0]!.html).toContain('href="https://track.example/CP123?a=1&amp;b=2"');
    expect(res.body.emails).toMatchObject([{ kind: 'shipped', status: 'queued' }]);
    expect(res.body.emails[0]).not.toHaveProperty('html');
  });

  it('merges: omitted fields kept, null clears; tracking changes email, date-only changes do not', async () => {
    const order = await orderIn('packed');
    await patchShipment(order.id, {
      carrierName: 'UPS',
      trackingNumber: '1Z',
      shippedAt: '2026-03-01T10:00:00Z',
    });
    const dates = await patchShipment(order.id, { deliveredAt: 'March 5, 2026 14:00 UTC' });
    expect(dates.status).toBe(200);
    expect(dates.body.shipment).toEqual({
      carrierName: 'UPS',
      trackingNumber: '1Z',
      trackingUrl: null,
      shippedAt: '2026-03-01T10:00:00.000Z',
      deliveredAt: '2026-03-05T14:00:00.000Z',
    });
    expect((await emailsOf(order.id)).map((e) => e.kind)).toEqual(['shipped']);

    const tracking = await patchShipment(order.id, { trackingNumber: '1Z-NEW', deliveredAt: null });
    expect(tracking.body.shipment).toMatchObject({
      trackingNumber: '1Z-NEW',
      carrierName: 'UPS',
      deliveredAt: null,
    });
    const cleared = await patchShipment(order.id, { carrierName: null });
    expect(cleared.body.shipment.carrierName).toBeNull();
    const same = await patchShipment(order.id, { trackingNumber: '1Z-NEW' });
    expect(same.status).toBe(200);
    expect((await emailsOf(order.id)).map((e) => e.kind).sort()).toEqual([
      'shipment_updated',
      'shipment_updated',
      'shipped',
    ]);
    expect((await auditOf(order.id)).filter((a) => a.action === 'order.shipment_update')).toHaveLength(5);
  });

  it('refuses orders that are not packed or shipped (409) and bad input (400)', async () => {
    for (const status of ['paid', 'pending_payment', 'refunded'] as const) {
      const order = await orderIn(status);
      const res = await patchShipment(order.id, { carrierName: 'UPS' });
      expect(res.status).toBe(409);
      expect(res.body.error).toMatchObject({ code: 'INVALID_TRANSITION', details: { status } });
    }
    const order = await orderIn('packed');
    for (const body of [
      { trackingUrl: 'javascript:alert(1)' },
      { shippedAt: 'not a date' },
      { carrierName: 'x'.repeat(121) },
      { unknown: 1 },
    ]) {
      const res = await patchShipment(order.id, body);
      expect(res.status, JSON.stringify(body)).toBe(400);
    }
    expect((await orderOf(db(), order.id)).order.status).toBe('packed');
  });

  it('never emails a placeholder address', async () => {
    const order = await orderIn('packed', `guest-${randomUUID()}@placeholder.popbox.local`);
    expect((await patchShipment(order.id, { trackingNumber: 'T1' })).status).toBe(200);
    expect((await patchShipment(order.id, { trackingNumber: 'T2' })).status).toBe(200);
    expect(await emailsOf(order.id)).toHaveLength(0);
  });
});

describe('GET /api/v1/admin/orders and /admin/orders/{id}', () => {
  it('pages newest first with a cursor that loses no rows created in the same millisecond', async () => {
    const at = new Date('2030-01-01T00:00:00.000Z');
    const made = [];
    for (let i = 0; i < 5; i++) {
      const order = await orderIn('shipped');
      // Same millisecond, distinct microseconds.
      await sql(
        h.app,
        `update orders set created_at = $2::timestamptz + make_interval(secs => $3 / 1000000.0) where id = $1`,
        [order.id, at.toISOString(), i],
      );
      made.push(order.id);
    }
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const qs: string = `?status=shipped&limit=2${cursor ? `&cursor=${cursor}` : ''}`;
      const res = await admin.call('GET', `/admin/orders${qs}`);
      expect(res.status).toBe(200);
      for (const item of res.body.items) expect(item.status).toBe('shipped');
      seen.push(...res.body.items.map((i: { id: string }) => i.id));
      cursor = res.body.nextCursor;
    } while (cursor);
    expect(seen.slice(0, 5)).toEqual([...made].reverse());
    expect(new Set(seen).size).toBe(seen.length);
  });

  it('lists the live customer row and refuses unknown query parameters', async () => {
    const order = await orderIn('paid');
    const res = await admin.call('GET', `/admin/orders?limit=50`);
    const item = res.body.items.find((i: { id: string }) => i.id === order.id);
    expect(item).toMatchObject({
      publicId: order.publicId,
      status: 'paid',
      customer: { id: order.customerId },
    });
    expect((await admin.call('GET', '/admin/orders?status=nope')).status).toBe(400);
    expect((await admin.call('GET', '/admin/orders?foo=1')).status).toBe(400);
  });

  it('shows the full unmasked detail: tickets with deck positions, payment, refunds, emails, attention reason', async () => {
    const kuji = await makeKujiProduct(db(), { prizes: [{ code: 'A1', quantity: 5 }] });
    const { order, items } = await makeOrder(db(), {
      order: { status: 'paid_needs_attention', attentionReason: 'stock_unavailable: test' },
      lines: [{ product: kuji.product, quantity: 1 }],
    });
    await makeTicket(db(), { order, item: items[0]!, prize: kuji.prizes[0]! });
    const res = await admin.call('GET', `/admin/orders/${order.id}`);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      id: order.id,
      status: 'paid_needs_attention',
      attentionReason: 'stock_unavailable: test',
      accessTokenVersion: 1,
      payment: null,
      refunds: [],
      emails: [],
    });
    expect(res.body.tickets[0].prize).toMatchObject({ prizeCode: 'A1' }); // unmasked though unrevealed
    expect(res.body.tickets[0]).toHaveProperty('deckPosition');
    expect(res.body.tickets[0]).toHaveProperty('deckEpoch');

    const paid = await paidCheckout(h, [
      { productId: (await makeProduct(db(), { inventory: { onHand: 2 } })).id, quantity: 1 },
    ]);
    const detail = await admin.call('GET', `/admin/orders/${paid.orderId}`);
    expect(detail.body.payment).toMatchObject({
      status: 'paid',
      providerPaymentIntentId: paid.paymentIntentId,
    });
    expect(detail.body.emails.map((e: { kind: string }) => e.kind).sort()).toEqual([
      'order_confirmation',
      'shop_notification',
    ]);
    expect((await admin.call('GET', `/admin/orders/${randomUUID()}`)).status).toBe(404);
  });

  it('serves the same detail over tRPC', async () => {
    const order = await orderIn('paid');
    const input = encodeURIComponent(JSON.stringify({ id: order.id }));
    const res = await fetch(`${h.app.url}/api/trpc/admin.orders.get?input=${input}`, {
      headers: { authorization: `Bearer ${admin.token}` },
    });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { result: { data: unknown } };
    expect(body.result.data).toMatchObject({ id: order.id, status: 'paid', refunds: [] });
  });
});

describe('GET /api/v1/admin/customers', () => {
  it('lists buyers newest first with their order counts, paged', async () => {
    const customer = await makeCustomer(db());
    const p = await makeProduct(db());
    for (let i = 0; i < 3; i++) {
      await makeOrder(db(), { order: { customerId: customer.id }, lines: [{ product: p, quantity: 1 }] });
    }
    const newest = await makeCustomer(db());
    const first = await admin.call('GET', '/admin/customers?limit=2');
    expect(first.status).toBe(200);
    expect(first.body.items[0]).toMatchObject({ id: newest.id, orderCount: 0 });
    expect(first.body.items[1]).toMatchObject({ id: customer.id, orderCount: 3, email: customer.email });
    expect(first.body.nextCursor).toEqual(expect.any(String));
    const next = await admin.call('GET', `/admin/customers?limit=2&cursor=${first.body.nextCursor}`);
    expect(next.body.items.map((c: { id: string }) => c.id)).not.toContain(customer.id);
  });
});

describe('POST /api/v1/admin/orders/{orderId}/resend-confirmation', () => {
  it('enqueues a new confirmation each time for a paid order; markers unchanged', async () => {
    const order = await orderIn('packed');
    const first = await admin.call('POST', `/admin/orders/${order.id}/resend-confirmation`);
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({
      id: order.id,
      status: 'packed',
      kind: 'order_confirmation',
      confirmationEmailSentAt: null,
    });
    await admin.call('POST', `/admin/orders/${order.id}/resend-confirmation`);
    const emails = await emailsOf(order.id);
    expect(emails.map((e) => e.kind)).toEqual(['order_confirmation', 'order_confirmation']);
    expect(emails[0]!.text).toContain(`/orders/${order.publicId}?token=`);
    expect((await auditOf(order.id)).map((a) => a.action)).toEqual([
      'order.resend_email',
      'order.resend_email',
    ]);
  });

  it('sends the refund email, as a full refund of the total, for refunded orders', async () => {
    const order = await orderIn('refunded');
    const res = await admin.call('POST', `/admin/orders/${order.id}/resend-confirmation`);
    expect(res.status).toBe(200);
    expect(res.body.kind).toBe('refund');
    const [email] = await emailsOf(order.id);
    expect(email!.kind).toBe('refund');
    expect(email!.text).toContain('full refund of $37.00');
  });

  it('answers 409 for ineligible or busy orders, 422 for a placeholder address, 404 for none', async () => {
    for (const status of ['pending_payment', 'paid_needs_attention', 'cancelled'] as const) {
      const res = await admin.call('POST', `/admin/orders/${(await orderIn(status)).id}/resend-confirmation`);
      expect(res.status).toBe(409);
    }
    const placeholder = await orderIn('paid', `p-${randomUUID()}@placeholder.popbox.local`);
    const res = await admin.call('POST', `/admin/orders/${placeholder.id}/resend-confirmation`);
    expect(res.status).toBe(422);
    expect(res.body.error.code).toBe('UNDELIVERABLE_EMAIL');

    const busy = await orderIn('paid');
    const release = await holdLock(confirmationEmailLock(busy.id));
    try {
      const r = await admin.call('POST', `/admin/orders/${busy.id}/resend-confirmation`);
      expect(r.status).toBe(409);
      expect(r.body.error.code).toBe('ORDER_BUSY');
    } finally {
      await release();
    }
    expect((await admin.call('POST', `/admin/orders/${randomUUID()}/resend-confirmation`)).status).toBe(404);
    expect(await emailsOf(busy.id)).toHaveLength(0);
  });
});

describe('POST /api/v1/admin/orders/{id}/access-link (F8)', () => {
  it('revokes every earlier link and cookie (401) and issues a working one', async () => {
    const order = await orderIn('paid');
    const oldLink = orderAccessUrl(h.app.deps, order);
    const oldCookie = await guestCookie(h.app, order);
    expect(
      (await fetch(`${h.app.url}/api/v1/orders/${order.publicId}`, { headers: { cookie: oldCookie } }))
        .status,
    ).toBe(200);

    const res = await admin.call('POST', `/admin/orders/${order.id}/access-link`, {});
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      id: order.id,
      publicId: order.publicId,
      accessTokenVersion: 2,
      emailQueued: false,
    });
    expect(await emailsOf(order.id)).toHaveLength(0);

    expect((await bootstrapWithLink(h.app, oldLink)).status).toBe(401);
    const withOldCookie = await fetch(`${h.app.url}/api/v1/orders/${order.publicId}`, {
      headers: { cookie: oldCookie },
    });
    expect(withOldCookie.status).toBe(401);
    const bootWithOldCookie = await fetch(`${h.app.url}/api/v1/orders/${order.publicId}/access`, {
      redirect: 'manual',
      headers: { cookie: oldCookie },
    });
    expect(bootWithOldCookie.status).toBe(401);

    const fresh = await bootstrapWithLink(h.app, res.body.url);
    expect(fresh.status).toBe(302);
    const view = await fetch(`${h.app.url}/api/v1/orders/${order.publicId}`, {
      headers: { cookie: fresh.cookie! },
    });
    expect(view.status).toBe(200);

    const audit = await auditOf(order.id);
    expect(audit.map((a) => [a.action, a.before, a.after])).toEqual([
      ['order.access_link_reissue', { accessTokenVersion: 1 }, { accessTokenVersion: 2, emailed: false }],
    ]);
    expect(JSON.stringify(audit)).not.toContain('token=');
  });

  it('emails the new link when asked, and refuses (422, nothing changed) without a deliverable address', async () => {
    const order = await orderIn('shipped');
    const res = await admin.call('POST', `/admin/orders/${order.id}/access-link`, { sendEmail: true });
    expect(res.body).toMatchObject({ accessTokenVersion: 2, emailQueued: true });
    const [email] = await emailsOf(order.id);
    expect(email!.kind).toBe('access_link');
    expect(email!.text).toContain(res.body.url);

    const placeholder = await orderIn('paid', `p-${randomUUID()}@placeholder.popbox.local`);
    const refused = await admin.call('POST', `/admin/orders/${placeholder.id}/access-link`, {
      sendEmail: true,
    });
    expect(refused.status).toBe(422);
    expect((await orderOf(db(), placeholder.id)).order.accessTokenVersion).toBe(1);
    expect(
      (await admin.call('POST', `/admin/orders/${order.id}/access-link`, { sendEmail: 'true' })).status,
    ).toBe(400);
    expect((await admin.call('POST', `/admin/orders/${randomUUID()}/access-link`, {})).status).toBe(404);
  });
});
