import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeProduct } from '@popbox/db/testing';
import { PaymentProviderError, stripePayments, type PaymentsPort } from '@popbox/domain';
import { json } from './support/http.js';
import { startFakeStripe, type FakeStripe } from './support/fake-stripe.js';
import { startTestApp, TEST_WEBHOOK_SECRET, type TestApp } from './support/test-app.js';
import { activeReservedUnits, inventoryOf, orderOf, sql } from './support/checkout.js';

/**
 * Issue 11 item 16: a process killed mid-checkout. The payments port of the test deps plays the crash: the
 * next create-session call never returns (the process is gone), either before reaching Stripe or after
 * Stripe opened the session. The buyer's retry with the same key and request must get the order back at once.
 */
type Crash = 'before-provider' | 'after-provider' | 'provider-busy' | 'slow-then-fails' | null;

let stripe: FakeStripe;
let app: TestApp;
const control: { crash: Crash; reached: () => void; failSlowCall: () => void } = {
  crash: null,
  reached: () => {},
  failSlowCall: () => {},
};

function crashingPayments(real: PaymentsPort): PaymentsPort {
  return {
    ...real,
    async createCheckoutSession(request) {
      const crash = control.crash;
      if (crash === 'provider-busy' && busy.has(request.orderId)) {
        // Stripe refuses a second concurrent request with an idempotency key still in use.
        throw new PaymentProviderError('Stripe: idempotency key in use', 'invalid_request');
      }
      if (crash === null) return real.createCheckoutSession(request);
      control.crash = null;
      if (crash === 'after-provider') await real.createCheckoutSession(request);
      if (crash === 'provider-busy') busy.add(request.orderId);
      control.reached();
      if (crash === 'slow-then-fails') {
        // Not dead, only slow: the provider call fails long after a retry finished the checkout.
        return new Promise<never>((_, reject) => {
          control.failSlowCall = () => reject(new PaymentProviderError('Stripe: timed out', 'unavailable'));
        });
      }
      return new Promise<never>(() => {}); // the process died here
    },
  };
}
const busy = new Set<string>();

beforeAll(async () => {
  stripe = await startFakeStripe();
  const real = stripePayments({
    secretKey: stripe.secretKey,
    webhookSecret: TEST_WEBHOOK_SECRET,
    apiBase: stripe.url,
  });
  app = await startTestApp({ deps: { payments: crashingPayments(real) } });
});
afterAll(async () => {
  await app?.close();
  await stripe?.close();
});

const db = () => app.database.db;

function post(body: unknown, key: string, signal?: AbortSignal) {
  return fetch(`${app.url}/api/v1/checkout/session`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'idempotency-key': key },
    body: JSON.stringify(body),
    ...(signal ? { signal } : {}),
  });
}

/** Starts a checkout that dies at `crash`; resolves once the order is committed and the process "died". */
async function crashedCheckout(crash: Exclude<Crash, null>, body: unknown, key: string) {
  const reached = new Promise<void>((resolve) => {
    control.reached = resolve;
  });
  control.crash = crash;
  const abort = new AbortController();
  const dead = post(body, key, abort.signal).catch(() => undefined);
  await reached;
  abort.abort(); // the buyer's browser gives up on the dead request
  await dead;
  const [order] = await sql(app, 'select id from orders where checkout_idempotency_key = $1', [key]);
  expect(order).toBeDefined(); // the order-placing step had committed
  return String(order!.id);
}

const sessionsOf = (orderId: string) =>
  [...stripe.sessions.values()].filter((s) => (s.metadata as { orderId?: string }).orderId === orderId);

describe('checkout retried after a crash (issue 11 item 16)', () => {
  for (const crash of ['before-provider', 'after-provider'] as const) {
    it(`gives the same order and a payment page at once when the process died ${crash === 'before-provider' ? 'before' : 'after'} opening the session`, async () => {
      const p = await makeProduct(db(), { inventory: { onHand: 5 } });
      const body = { items: [{ productId: p.id, quantity: 2 }] };
      const key = randomUUID();
      const orderId = await crashedCheckout(crash, body, key);
      expect(sessionsOf(orderId)).toHaveLength(crash === 'after-provider' ? 1 : 0);

      const started = performance.now();
      const retry = await post(body, key);
      const elapsed = performance.now() - started;
      expect(retry.status).toBe(201);
      expect(retry.headers.get('idempotent-replayed')).toBe('true');
      const result = await json(retry);
      expect(result.orderId).toBe(orderId);
      expect(result.checkoutUrl).toMatch(/^https:\/\//);
      expect(elapsed).toBeLessThan(5_000);

      // One session for the order, the one answered, stored on the order; the stock held once.
      expect(sessionsOf(orderId).map((s) => s.id)).toEqual([result.sessionId]);
      const { order, payment } = await orderOf(db(), orderId);
      expect(order).toMatchObject({ status: 'pending_payment', stripeCheckoutSessionId: result.sessionId });
      expect(payment.providerCheckoutSessionId).toBe(result.sessionId);
      expect(await inventoryOf(db(), p.id)).toMatchObject({ onHand: 5, reserved: 2 });
      expect(await activeReservedUnits(db(), p.id)).toBe(2);
      const orders = await sql(app, 'select id from orders where checkout_idempotency_key = $1', [key]);
      expect(orders).toHaveLength(1);

      // Every later retry replays the same answer.
      const again = await post(body, key);
      expect(again.status).toBe(201);
      expect(await json(again)).toEqual(result);
      expect(sessionsOf(orderId)).toHaveLength(1);
    });
  }

  it('answers 409 + Retry-After to a duplicate while the first request is still talking to the provider, and never cancels', async () => {
    const p = await makeProduct(db(), { inventory: { onHand: 3 } });
    const body = { items: [{ productId: p.id, quantity: 1 }] };
    const key = randomUUID();
    const orderId = await crashedCheckout('provider-busy', body, key);
    control.crash = 'provider-busy';
    const duplicate = await post(body, key);
    control.crash = null;
    expect(duplicate.status).toBe(409);
    expect((await json(duplicate)).error.code).toBe('IDEMPOTENCY_IN_FLIGHT');
    expect(Number(duplicate.headers.get('retry-after'))).toBeGreaterThan(0);
    expect((await orderOf(db(), orderId)).order.status).toBe('pending_payment');
    expect(await inventoryOf(db(), p.id)).toMatchObject({ reserved: 1 });

    // Once the provider answers again, the next retry gets the checkout.
    const retry = await post(body, key);
    expect(retry.status).toBe(201);
    expect((await json(retry)).orderId).toBe(orderId);
  });

  it('keeps the order a retry finished when the first request fails afterwards (no compensation)', async () => {
    const p = await makeProduct(db(), { inventory: { onHand: 3 } });
    const body = { items: [{ productId: p.id, quantity: 1 }] };
    const key = randomUUID();
    const reached = new Promise<void>((resolve) => {
      control.reached = resolve;
    });
    control.crash = 'slow-then-fails';
    const slow = post(body, key);
    await reached;
    const retry = await post(body, key);
    expect(retry.status).toBe(201);
    const result = await json(retry);

    control.failSlowCall();
    const first = await slow;
    expect(first.status).toBe(201); // the answer the key holds, not a 502 that cancelled the order
    expect(await json(first)).toEqual(result);
    expect((await orderOf(db(), result.orderId)).order.status).toBe('pending_payment');
    expect(await inventoryOf(db(), p.id)).toMatchObject({ reserved: 1 });
  });

  it('still refuses the same key with another cart (422) after a crash', async () => {
    const p = await makeProduct(db(), { inventory: { onHand: 3 } });
    const key = randomUUID();
    await crashedCheckout('before-provider', { items: [{ productId: p.id, quantity: 1 }] }, key);
    const other = await post({ items: [{ productId: p.id, quantity: 2 }] }, key);
    expect(other.status).toBe(422);
    expect((await json(other)).error.code).toBe('IDEMPOTENCY_KEY_REUSED');
  });
});
