import { randomUUID } from 'node:crypto';
import type { PoolClient } from 'pg';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { makeProduct } from '@popbox/db/testing';
import { lockKey, orderActionLock } from '@popbox/domain';
import { adminClient, type AdminClient } from './support/admin.js';
import { guestCookie } from './support/guest.js';
import { json } from './support/http.js';
import {
  inventoryOf,
  orderOf,
  paidCheckout,
  postCheckout,
  postWebhook,
  sql,
  startCheckoutHarness,
  type CheckoutHarness,
} from './support/checkout.js';
import { dealKujiDrawsNow, makeKujiProduct } from '@popbox/domain/testing';

/**
 * Issue 11 items 9 and 11, over REST (and tRPC) against real Postgres and the fake Stripe:
 * - an order action waits a bounded time for the order's locks (a webhook's bookkeeping, another action)
 *   instead of answering busy at once; only a wait that runs out is 409 ORDER_BUSY + Retry-After;
 * - a refund at the provider holds the order: every order action answers 409 ORDER_BUSY + Retry-After and
 *   changes nothing until the refund is recorded, and a crashed refund's stale mark blocks nothing.
 * Prices: a 4000 product + 1200 shipping → 5200 paid.
 */
let h: CheckoutHarness;
let admin: AdminClient;

beforeAll(async () => {
  h = await startCheckoutHarness();
  admin = await adminClient(h.app);
});
afterAll(() => h?.close());
beforeEach(() => {
  h.stripe.refundStatus = 'succeeded';
  h.stripe.refundDelayMs = 0;
});

const db = () => h.app.database.db;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function paidOrder(onHand = 10) {
  const p = await makeProduct(db(), { product: { priceCents: 4000 }, inventory: { onHand } });
  return { ...(await paidCheckout(h, [{ productId: p.id, quantity: 1 }])), productId: p.id };
}

/** A REST call that also returns the Retry-After header. */
async function call(method: string, path: string, body?: unknown, headers: Record<string, string> = {}) {
  const res = await fetch(`${h.app.url}/api/v1${path}`, {
    method,
    headers: {
      authorization: `Bearer ${admin.token}`,
      ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
      ...headers,
    },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  const text = await res.text();
  return {
    status: res.status,
    retryAfter: res.headers.get('retry-after'),
    body: text ? (JSON.parse(text) as { error?: { code?: string } } & Record<string, unknown>) : undefined,
  };
}

const stripeRefundCalls = () =>
  h.stripe.calls.filter((c) => c.method === 'POST' && c.path === '/v1/refunds').length;
const refund = (orderId: string, body: Record<string, unknown> = {}) =>
  call('POST', `/admin/orders/${orderId}/refund`, body, { 'idempotency-key': randomUUID() });

/** Every admin action on an order (B14, F5, F8), as REST calls. */
const ACTIONS: Record<string, (orderId: string) => ReturnType<typeof call>> = {
  pack: (id) => call('PATCH', `/admin/orders/${id}/status`, { status: 'packed' }),
  ship: (id) => call('PATCH', `/admin/orders/${id}/status`, { status: 'shipped' }),
  cancel: (id) => call('PATCH', `/admin/orders/${id}/status`, { status: 'cancelled' }),
  shipment: (id) =>
    call('PATCH', `/admin/orders/${id}/shipment`, { carrierName: 'Canada Post', trackingNumber: 'T1' }),
  reconcile: (id) => call('POST', `/admin/orders/${id}/refund/reconcile`),
  retryFinalisation: (id) => call('POST', `/admin/orders/${id}/retry-finalisation`),
  resendConfirmation: (id) => call('POST', `/admin/orders/${id}/resend-confirmation`),
  accessLink: (id) => call('POST', `/admin/orders/${id}/access-link`, { sendEmail: true }),
  refund: (id) => refund(id, { amountCents: 100 }),
};

async function trpcUpdateStatus(id: string, status: string) {
  const res = await fetch(`${h.app.url}/api/trpc/admin.orders.updateStatus`, {
    method: 'POST',
    headers: { authorization: `Bearer ${admin.token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ id, status }),
  });
  return { status: res.status, retryAfter: res.headers.get('retry-after'), body: await json(res) };
}

/** Holds a lock on its own connection (a transaction) until released. */
async function hold(lock: (client: PoolClient) => Promise<unknown>) {
  const client = await h.app.database.pool.connect();
  await client.query('begin');
  await lock(client);
  return async () => {
    await client.query('commit');
    client.release();
  };
}
const holdActionLock = (orderId: string) =>
  hold((c) =>
    c.query('select pg_advisory_xact_lock($1::bigint)', [lockKey(orderActionLock(orderId)).toString()]),
  );
const holdOrderRow = (orderId: string) =>
  hold((c) => c.query('select id from orders where id = $1 for update', [orderId]));

/** Sessions of this database waiting for a lock, by wait event (`advisory`, `transactionid`, `tuple`, …). */
async function lockWaiters(): Promise<string[]> {
  const rows = await sql(
    h.app,
    `select wait_event from pg_stat_activity
      where datname = current_database() and wait_event_type = 'Lock' and pid <> pg_backend_pid()`,
  );
  return rows.map((r) => String(r.wait_event));
}
async function until(what: string, check: () => Promise<boolean>, timeoutMs = 5000) {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(10);
  }
}

/** Facts an action would change: status, money, shipment, emails, audit, access version, stock, tickets. */
async function footprint(orderId: string, productId: string) {
  const { order, payment, reservations, emails } = await orderOf(db(), orderId);
  const [counts] = await sql(
    h.app,
    `select (select count(*) from admin_audit_log where entity_id = $1)::int as audits,
            (select count(*) from shipments where order_id = $2::uuid)::int as shipments,
            (select count(*) from payment_refunds where order_id = $2::uuid)::int as refunds`,
    [orderId, orderId],
  );
  return {
    status: order.status,
    attentionReason: order.attentionReason,
    accessTokenVersion: order.accessTokenVersion,
    refundedAmountCents: payment?.refundedAmountCents ?? 0,
    reservations: reservations.map((r) => r.status).sort(),
    emails: emails.map((e) => e.kind).sort(),
    inventory: await inventoryOf(db(), productId),
    ...counts,
  };
}

describe('issue 11 item 9: an order action waits briefly for the order instead of answering busy', () => {
  it('a second partial refund sent while the first one’s webhook is being applied waits for it and succeeds', async () => {
    const { orderId } = await paidOrder();
    const first = await refund(orderId, { amountCents: 500 });
    expect(first.status).toBe(200);
    const firstRefund = h.stripe.refunds.get(
      (first.body as { refunds: Array<{ providerRefundId: string }> }).refunds[0]!.providerRefundId,
    )!;

    // The first refund's webhook takes the order's action lock, then waits for the order row (held here):
    // the overlap is deterministic. The second refund, another key, then waits for the action lock.
    const releaseRow = await holdOrderRow(orderId);
    const webhook = postWebhook(h.app, h.stripe.event('refund.created', firstRefund));
    await until('the webhook to hold the action lock', async () => (await lockWaiters()).length === 1);
    const started = Date.now();
    const second = refund(orderId, { amountCents: 700 });
    await until('the second refund to wait for the action lock', async () =>
      (await lockWaiters()).includes('advisory'),
    );
    await sleep(300);
    await releaseRow();

    expect((await webhook).status).toBe(200);
    const answer = await second;
    expect(answer.status).toBe(200);
    expect(Date.now() - started).toBeGreaterThanOrEqual(300);
    const { order, payment } = await orderOf(db(), orderId);
    expect(order.status).toBe('paid');
    expect(payment.refundedAmountCents).toBe(1200);
  });

  it('every admin action waits for a short holder of the order lock and then succeeds', async () => {
    const { orderId } = await paidOrder();
    const release = await holdActionLock(orderId);
    const started = Date.now();
    const pack = ACTIONS.pack!(orderId);
    const link = ACTIONS.accessLink!(orderId);
    await sleep(300);
    await release();
    expect((await pack).status).toBe(200);
    expect((await link).status).toBe(200);
    expect(Date.now() - started).toBeGreaterThanOrEqual(300);
    expect((await orderOf(db(), orderId)).order.status).toBe('packed');
  });

  it('the buyer’s reveal waits for a short holder too, and answers busy past its shorter bound', async () => {
    const kuji = await makeKujiProduct(db(), { prizes: [{ code: 'A1', quantity: 4 }] });
    const { orderId } = await paidCheckout(h, [{ productId: kuji.product.id, quantity: 2 }]);
    await dealKujiDrawsNow(db());
    const { order } = await orderOf(db(), orderId);
    const cookie = await guestCookie(h.app, order);
    const revealAll = () =>
      fetch(`${h.app.url}/api/v1/orders/${order.publicId}/tickets/reveal-all`, {
        method: 'POST',
        headers: { cookie },
      });

    let release = await holdActionLock(orderId);
    const waiting = revealAll();
    await sleep(200);
    await release();
    expect((await waiting).status).toBe(200);

    release = await holdActionLock(orderId);
    try {
      const busy = await revealAll();
      expect(busy.status).toBe(409);
      expect((await json(busy)).error.code).toBe('ORDER_BUSY');
      expect(busy.headers.get('retry-after')).toBe('1');
    } finally {
      await release();
    }
  });

  it('answers 409 ORDER_BUSY with Retry-After (REST and tRPC) only when the wait runs out; nothing changes', async () => {
    const { orderId, productId } = await paidOrder();
    const before = await footprint(orderId, productId);
    const refundCallsBefore = stripeRefundCalls();
    const release = await holdActionLock(orderId);
    try {
      const started = Date.now();
      const [rest, trpc, refunded] = await Promise.all([
        ACTIONS.pack!(orderId),
        trpcUpdateStatus(orderId, 'packed'),
        refund(orderId, { amountCents: 500 }),
      ]);
      const waited = Date.now() - started;
      for (const res of [rest, refunded]) {
        expect(res.status).toBe(409);
        expect(res.body?.error?.code).toBe('ORDER_BUSY');
        expect(Number(res.retryAfter)).toBeGreaterThanOrEqual(1);
      }
      expect(trpc.status).toBe(409);
      expect(trpc.body.error.data.errorCode).toBe('ORDER_BUSY');
      expect(Number(trpc.retryAfter)).toBeGreaterThanOrEqual(1);
      expect(waited).toBeGreaterThanOrEqual(2500); // the bound (3 s), not an immediate refusal
      expect(waited).toBeLessThan(15_000);
    } finally {
      await release();
    }
    expect(await footprint(orderId, productId)).toEqual(before);
    expect(stripeRefundCalls()).toBe(refundCallsBefore); // the refund never reached Stripe
    expect((await ACTIONS.pack!(orderId)).status).toBe(200);
  }, 20_000);
});

/** A paid order parked because its stock was resold while the buyer was paying (F5), then restocked. */
async function parkedLatePayment() {
  const p = await makeProduct(db(), { product: { priceCents: 4000 }, inventory: { onHand: 1 } });
  const res = await postCheckout(h.app, { items: [{ productId: p.id, quantity: 1 }] });
  const { orderId, sessionId } = await json(res);
  await sql(
    h.app,
    `with r as (update inventory_reservations set status = 'expired'
                where order_id = $1 and status = 'active' returning product_id, quantity)
     update product_inventory i set reserved = i.reserved - r.quantity from r where i.product_id = r.product_id`,
    [orderId],
  );
  await sql(h.app, `update orders set status = 'expired' where id = $1`, [orderId]);
  await sql(h.app, `update product_inventory set on_hand = 0 where product_id = $1`, [p.id]);
  await postWebhook(h.app, h.stripe.event('checkout.session.completed', h.stripe.complete(sessionId)));
  expect((await orderOf(db(), orderId)).order.status).toBe('paid_needs_attention');
  await sql(h.app, `update product_inventory set on_hand = 5 where product_id = $1`, [p.id]); // restocked
  return { orderId: orderId as string, productId: p.id };
}

/**
 * Starts a refund and returns once it is at the (delayed) fake Stripe, i.e. marked in flight; `answer` is
 * its response (wrapped: an async function returning a promise would wait for it).
 */
async function refundAtStripe(orderId: string, body: Record<string, unknown> = {}, delayMs = 2500) {
  h.stripe.refundDelayMs = delayMs;
  const calls = h.stripe.calls.length;
  const pending = refund(orderId, body);
  await until('the refund to reach Stripe', async () =>
    h.stripe.calls.slice(calls).some((c) => c.method === 'POST' && c.path === '/v1/refunds'),
  );
  h.stripe.refundDelayMs = 0;
  return { answer: pending };
}

async function expectBusyAndUnchanged(orderId: string, productId: string, names: string[]) {
  const before = await footprint(orderId, productId);
  for (const name of names) {
    const res = await ACTIONS[name]!(orderId);
    expect({ name, status: res.status, code: res.body?.error?.code }).toEqual({
      name,
      status: 409,
      code: 'ORDER_BUSY',
    });
    expect(Number(res.retryAfter)).toBeGreaterThanOrEqual(1);
  }
  const trpc = await trpcUpdateStatus(orderId, 'packed');
  expect(trpc.status).toBe(409);
  expect(trpc.body.error.data.errorCode).toBe('ORDER_BUSY');
  expect(Number(trpc.retryAfter)).toBeGreaterThanOrEqual(1);
  expect(await footprint(orderId, productId)).toEqual(before);
}

describe('issue 11 item 11: a refund at Stripe holds the order for every action', () => {
  it('refuses every admin action while a partial refund is at Stripe; they all work once it is recorded', async () => {
    const { orderId, productId } = await paidOrder();
    const { answer: pending } = await refundAtStripe(orderId, { amountCents: 500 });
    await expectBusyAndUnchanged(orderId, productId, Object.keys(ACTIONS));
    expect((await pending).status).toBe(200);

    expect((await ACTIONS.resendConfirmation!(orderId)).status).toBe(200);
    expect((await ACTIONS.accessLink!(orderId)).status).toBe(200);
    expect((await ACTIONS.reconcile!(orderId)).status).toBe(200);
    expect((await ACTIONS.refund!(orderId)).status).toBe(200);
    expect((await ACTIONS.pack!(orderId)).status).toBe(200);
    expect((await ACTIONS.shipment!(orderId)).status).toBe(200);
    const { order, payment, emails } = await orderOf(db(), orderId);
    expect(order.status).toBe('shipped');
    expect(payment.refundedAmountCents).toBe(600);
    expect(emails.map((e) => e.kind)).toContain('shipped');
  }, 20_000);

  it('never ships a packed order while its full refund is at Stripe (no shipped email)', async () => {
    const { orderId, productId } = await paidOrder();
    expect((await ACTIONS.pack!(orderId)).status).toBe(200);
    const { answer: pending } = await refundAtStripe(orderId);
    await expectBusyAndUnchanged(orderId, productId, ['shipment', 'ship']);
    expect((await pending).status).toBe(200);

    const { order, emails } = await orderOf(db(), orderId);
    expect(order.status).toBe('refunded');
    expect(emails.map((e) => e.kind)).not.toContain('shipped');
    const late = await ACTIONS.shipment!(orderId);
    expect(late.status).toBe(409);
    expect(late.body?.error?.code).toBe('INVALID_TRANSITION');
  });

  it('never retry-finalises a parked order while its full refund is at Stripe (no stock taken)', async () => {
    const { orderId, productId } = await parkedLatePayment();
    const { answer: pending } = await refundAtStripe(orderId);
    await expectBusyAndUnchanged(orderId, productId, ['retryFinalisation', 'reconcile', 'cancel']);
    expect((await pending).status).toBe(200);

    const { order, emails } = await orderOf(db(), orderId);
    expect(order.status).toBe('refunded');
    expect(emails.map((e) => e.kind)).not.toContain('order_confirmation');
    expect((await inventoryOf(db(), productId)).onHand).toBe(5);
    const late = await ACTIONS.retryFinalisation!(orderId);
    expect(late.status).toBe(409);
    expect(late.body?.error?.code).toBe('INVALID_TRANSITION');
  });

  it('does not let the mark of a crashed refund block the order once it is stale', async () => {
    const { orderId } = await paidOrder();
    // What a process killed during the Stripe call leaves: its key in progress, marked as the order's refund.
    await sql(
      h.app,
      `insert into idempotency_keys (scope, key, fingerprint, state, resource_id, response_body, expires_at, created_at)
       values ('refund', $1, 'f', 'in_progress', $2, '{}'::jsonb, now() + interval '1 day', now())`,
      [randomUUID(), orderId],
    );
    const busy = await ACTIONS.pack!(orderId);
    expect(busy.status).toBe(409);
    expect(busy.body?.error?.code).toBe('ORDER_BUSY');

    await sql(
      h.app,
      `update idempotency_keys set created_at = now() - interval '3 minutes' where resource_id = $1`,
      [orderId],
    );
    expect((await ACTIONS.pack!(orderId)).status).toBe(200);
  });
});
