import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeProduct } from '@popbox/db/testing';
import {
  expirePendingOrders,
  fixedClock,
  getReconciliationReport,
  RESERVATION_TTL_MS,
  simulatorSessionCloser,
} from '@popbox/domain';
import { json } from './support/http.js';
import { startTestApp, type TestApp } from './support/test-app.js';
import {
  activeReservedUnits,
  inventoryOf,
  orderOf,
  postCheckout,
  postWebhook,
  startCheckoutHarness,
  type CheckoutHarness,
} from './support/checkout.js';

/**
 * B19 + F5 + F6 end to end: checkouts through the real API and the real Stripe adapter (fake Stripe server),
 * the expiry sweep as the jobs app runs it, and payments arriving through the signed webhook.
 */
const clock = fixedClock(new Date());
let h: CheckoutHarness;
beforeAll(async () => {
  h = await startCheckoutHarness({ clock });
});
afterAll(() => h?.close());

const db = () => h.app.database.db;
const SWEEP = { batchSize: 100, maxBatches: 3 };
/** The jobs app's run: same use case, the API's deps stand in for the jobs process's (same DB, same Stripe). */
const sweep = () => expirePendingOrders(h.app.deps, SWEEP);

async function checkout(productId: string, quantity = 1) {
  const res = await postCheckout(h.app, { items: [{ productId, quantity }] });
  expect(res.status).toBe(201);
  return (await json(res)) as { orderId: string; sessionId: string };
}

/** Stripe's webhook for a session as it stands at Stripe now. */
async function deliver(type: string, sessionId: string) {
  const res = await postWebhook(h.app, h.stripe.event(type, h.stripe.sessions.get(sessionId)!));
  expect(res.status).toBe(200);
}

const expireCalls = (sessionId: string) =>
  h.stripe.calls.filter((c) => c.method === 'POST' && c.path === `/v1/checkout/sessions/${sessionId}/expire`);

const reconciled = async () => (await getReconciliationReport({ db: db(), clock })).clean;

describe('reservation expiry with a controllable clock (B19, F6)', () => {
  it('expires a checkout left unpaid for 10 minutes: stock back on sale, Stripe session expired', async () => {
    const p = await makeProduct(db(), { inventory: { onHand: 1 } });
    const { orderId, sessionId } = await checkout(p.id);
    expect(await inventoryOf(db(), p.id)).toMatchObject({ onHand: 1, reserved: 1 });
    // The last unit is held: nobody else can buy it.
    expect((await postCheckout(h.app, { items: [{ productId: p.id, quantity: 1 }] })).status).toBe(409);

    clock.advance(RESERVATION_TTL_MS - 1000);
    expect(await sweep()).toMatchObject({ expiredOrders: 0 });
    expect((await orderOf(db(), orderId)).order.status).toBe('pending_payment');

    clock.advance(1000);
    const result = await sweep();
    expect(result).toMatchObject({ expiredOrders: 1, releasedUnits: 1, sessions: { expired: 1, failed: 0 } });
    const state = await orderOf(db(), orderId);
    expect(state.order.status).toBe('expired');
    expect(state.order.expiredAt).toEqual(clock.now());
    expect(state.reservations.map((r) => r.status)).toEqual(['expired']);
    expect(state.payment.status).toBe('pending');
    expect(await inventoryOf(db(), p.id)).toMatchObject({ onHand: 1, reserved: 0 });
    expect(h.stripe.sessions.get(sessionId)!.status).toBe('expired');
    expect(expireCalls(sessionId)).toHaveLength(1);

    // Stripe announces the expiry it was asked for: nothing changes twice.
    await deliver('checkout.session.expired', sessionId);
    expect((await orderOf(db(), orderId)).order.status).toBe('expired');
    expect(await inventoryOf(db(), p.id)).toMatchObject({ onHand: 1, reserved: 0 });

    // The unit is on sale again.
    const next = await checkout(p.id);
    expect((await orderOf(db(), next.orderId)).order.status).toBe('pending_payment');
    expect(await activeReservedUnits(db(), p.id)).toBe(1);
    expect(await reconciled()).toBe(true);
  });

  it('keeps a completed-but-unpaid checkout (delayed payment method, F4) past 10 minutes', async () => {
    const p = await makeProduct(db(), { inventory: { onHand: 2 } });
    const { orderId, sessionId } = await checkout(p.id);
    h.stripe.complete(sessionId, { paymentStatus: 'unpaid' });
    await deliver('checkout.session.completed', sessionId); // extends the hold while the debit settles

    clock.advance(RESERVATION_TTL_MS + 60_000);
    await sweep();
    expect((await orderOf(db(), orderId)).order.status).toBe('pending_payment');
    expect(await inventoryOf(db(), p.id)).toMatchObject({ reserved: 1 });
    expect(expireCalls(sessionId)).toHaveLength(0);

    h.stripe.sessions.get(sessionId)!.payment_status = 'paid';
    await deliver('checkout.session.async_payment_succeeded', sessionId);
    expect((await orderOf(db(), orderId)).order.status).toBe('paid');
    expect(await inventoryOf(db(), p.id)).toMatchObject({ onHand: 1, reserved: 0 });
  });
});

describe('Stripe down while the sweep closes sessions', () => {
  it('still frees the stock; the failure is counted, not retried by the run or the next one', async () => {
    const p = await makeProduct(db(), { inventory: { onHand: 1 } });
    const { orderId, sessionId } = await checkout(p.id);
    clock.advance(RESERVATION_TTL_MS + 1000);
    h.stripe.failExpire = 3; // the first call and both SDK network retries get a 500

    const result = await sweep();
    expect(result).toMatchObject({ expiredOrders: 1, sessions: { expired: 0, failed: 1 } });
    expect(expireCalls(sessionId)).toHaveLength(3);
    expect(h.stripe.sessions.get(sessionId)!.status).toBe('open'); // lapses at its own expires_at
    expect((await orderOf(db(), orderId)).order.status).toBe('expired');
    expect(await inventoryOf(db(), p.id)).toMatchObject({ onHand: 1, reserved: 0 });

    expect(await sweep()).toMatchObject({ expiredOrders: 0 });
    expect(expireCalls(sessionId)).toHaveLength(3);
    h.stripe.failExpire = 0;
  });
});

describe('a payment arriving after the expiry sweep (F5)', () => {
  /**
   * The race the sweep cannot prevent: the buyer pays at Stripe in the last second, the sweep expires the
   * order before Stripe's webhook arrives (Stripe then answers that the session is no longer open).
   */
  async function paidJustAsTheHoldLapsed(productId: string) {
    const placed = await checkout(productId);
    h.stripe.complete(placed.sessionId);
    clock.advance(RESERVATION_TTL_MS + 1000);
    const result = await sweep();
    expect(result).toMatchObject({ sessions: { notOpen: 1, failed: 0 } });
    expect((await orderOf(db(), placed.orderId)).order.status).toBe('expired');
    return placed;
  }

  it('re-takes the stock when it is still free: the order is simply paid', async () => {
    const p = await makeProduct(db(), { inventory: { onHand: 3 } });
    const late = await paidJustAsTheHoldLapsed(p.id);
    expect(await inventoryOf(db(), p.id)).toMatchObject({ onHand: 3, reserved: 0 });

    await deliver('checkout.session.completed', late.sessionId);
    const state = await orderOf(db(), late.orderId);
    expect(state.order.status).toBe('paid');
    expect(state.payment.status).toBe('paid');
    expect(state.emails.map((e) => e.kind).sort()).toEqual(['order_confirmation', 'shop_notification']);
    expect(await inventoryOf(db(), p.id)).toMatchObject({ onHand: 2, reserved: 0 });
    expect(await reconciled()).toBe(true);
  });

  it('parks the order in paid_needs_attention when the unit was resold meanwhile, and alerts the shop', async () => {
    const p = await makeProduct(db(), { inventory: { onHand: 1 } });
    const late = await paidJustAsTheHoldLapsed(p.id);

    const other = await checkout(p.id); // the freed unit sells to someone else
    h.stripe.complete(other.sessionId);
    await deliver('checkout.session.completed', other.sessionId);
    expect((await orderOf(db(), other.orderId)).order.status).toBe('paid');
    expect(await inventoryOf(db(), p.id)).toMatchObject({ onHand: 0, reserved: 0 });

    await deliver('checkout.session.completed', late.sessionId);
    const state = await orderOf(db(), late.orderId);
    expect(state.order.status).toBe('paid_needs_attention');
    expect(state.order.attentionReason).toMatch(/^stock_unavailable: /);
    expect(state.payment.status).toBe('paid');
    expect(state.emails.map((e) => e.kind)).toEqual(['shop_alert']);
    expect(await inventoryOf(db(), p.id)).toMatchObject({ onHand: 0, reserved: 0 });
    expect(await reconciled()).toBe(true);
  });
});

describe('the jobs process and the local payment simulator', () => {
  let app: TestApp;
  const simClock = fixedClock(new Date());
  beforeAll(async () => {
    app = await startTestApp({ clock: simClock }); // simulator: sessions live in the API process
  });
  afterAll(() => app?.close());

  it("closes a lapsed checkout's simulator session through the API (POST /dev/checkout/{id}/expire)", async () => {
    const p = await makeProduct(app.database.db, { inventory: { onHand: 1 } });
    const res = await postCheckout(app, { items: [{ productId: p.id, quantity: 1 }] });
    const { orderId, sessionId } = (await json(res)) as { orderId: string; sessionId: string };

    // What the jobs process builds without a Stripe key: it reaches the simulator over HTTP only.
    const jobsDeps = { ...app.deps, payments: simulatorSessionCloser({ apiBaseUrl: app.url }) };
    simClock.advance(RESERVATION_TTL_MS);
    const result = await expirePendingOrders(jobsDeps, SWEEP);
    expect(result).toMatchObject({ expiredOrders: 1, sessions: { expired: 1, failed: 0 } });
    expect((await orderOf(app.database.db, orderId)).order.status).toBe('expired');

    const page = await (await fetch(`${app.url}/dev/checkout/${sessionId}`)).text();
    expect(page).toContain('<strong>expired</strong>');
    const pay = await fetch(`${app.url}/dev/checkout/${sessionId}/pay`, {
      method: 'POST',
      redirect: 'manual',
    });
    expect(pay.status).toBe(409);

    const closer = jobsDeps.payments;
    expect(await closer.expireCheckoutSession(sessionId)).toBe('not_open');
    expect(await closer.expireCheckoutSession('cs_sim_unknown')).toBe('not_found');
    await expect(
      simulatorSessionCloser({ apiBaseUrl: 'http://127.0.0.1:9' }).expireCheckoutSession(sessionId),
    ).rejects.toMatchObject({ kind: 'unavailable' });
  });
});
