import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeProduct } from '@popbox/db/testing';
import { json } from './support/http.js';
import {
  activeReservedUnits,
  inventoryOf,
  postCheckout,
  startCheckoutHarness,
  type CheckoutHarness,
} from './support/checkout.js';

let h: CheckoutHarness;
beforeAll(async () => {
  h = await startCheckoutHarness();
});
afterAll(() => h?.close());

const db = () => h.app.database.db;

/** `buyers` simultaneous checkouts of one unit each, every buyer with a cart (and key) of their own. */
async function storm(productId: string, buyers: number) {
  const responses = await Promise.all(
    Array.from({ length: buyers }, () => postCheckout(h.app, { items: [{ productId, quantity: 1 }] })),
  );
  return Promise.all(responses.map(async (res) => ({ status: res.status, body: await json(res) })));
}

async function expectCountersConsistent(productId: string) {
  const inventory = await inventoryOf(db(), productId);
  expect(inventory.reserved).toBe(await activeReservedUnits(db(), productId));
  expect(inventory.onHand).toBeGreaterThanOrEqual(inventory.reserved);
  return inventory;
}

describe('checkout under contention', () => {
  it('sells the last unit exactly once among 50 simultaneous buyers', async () => {
    const p = await makeProduct(db(), { inventory: { onHand: 1 } });
    const results = await storm(p.id, 50);
    const statuses = results.map((r) => r.status);
    expect(statuses.filter((s) => s === 201)).toHaveLength(1);
    expect(statuses.filter((s) => s === 409)).toHaveLength(49);
    expect(statuses.some((s) => s >= 500)).toBe(false);
    for (const r of results.filter((r) => r.status === 409)) expect(r.body.error.code).toBe('OUT_OF_STOCK');
    expect(await expectCountersConsistent(p.id)).toMatchObject({ onHand: 1, reserved: 1 });
    const orders = await db().query.orderItems.findMany({ where: (t, { eq }) => eq(t.productId, p.id) });
    expect(orders).toHaveLength(1);
  });

  it('sells exactly 10 units to 200 simultaneous buyers', async () => {
    const p = await makeProduct(db(), { inventory: { onHand: 10 } });
    const started = performance.now();
    const results = await storm(p.id, 200);
    const elapsed = performance.now() - started;
    const statuses = results.map((r) => r.status);
    expect(statuses.filter((s) => s === 201)).toHaveLength(10);
    expect(statuses.filter((s) => s === 409)).toHaveLength(190);
    expect(statuses.some((s) => s >= 500)).toBe(false);
    expect(await expectCountersConsistent(p.id)).toMatchObject({ onHand: 10, reserved: 10 });
    expect(new Set(results.filter((r) => r.status === 201).map((r) => r.body.sessionId)).size).toBe(10);
    console.info(`200-buyer storm for 10 units: ${Math.round(elapsed)} ms`);
  });

  it('fires the same Idempotency-Key 20 times at once: one order, one Stripe session, identical bodies', async () => {
    const p = await makeProduct(db(), { inventory: { onHand: 5 } });
    const key = randomUUID();
    const body = { items: [{ productId: p.id, quantity: 2 }] };
    const sessionsBefore = h.stripe.sessions.size;

    const first = await Promise.all(Array.from({ length: 20 }, () => postCheckout(h.app, body, key)));
    const answers = await Promise.all(
      first.map(async (res) => ({
        status: res.status,
        retryAfter: res.headers.get('retry-after'),
        body: await json(res),
      })),
    );
    for (const a of answers) {
      expect([201, 409]).toContain(a.status);
      if (a.status === 409) {
        expect(a.body.error.code).toBe('IDEMPOTENCY_IN_FLIGHT');
        expect(Number(a.retryAfter)).toBeGreaterThan(0);
      }
    }
    console.info(
      `same key ×20: ${answers.filter((a) => a.status === 201).length} × 201, ${answers.filter((a) => a.status === 409).length} × 409 in flight`,
    );
    // Clients that were told to retry do so after Retry-After, and get the first response replayed.
    const bodies = await Promise.all(
      answers.map(async (a) => {
        let current = a;
        while (current.status === 409) {
          await new Promise((r) => setTimeout(r, Number(current.retryAfter) * 100));
          const res = await postCheckout(h.app, body, key);
          current = { status: res.status, retryAfter: res.headers.get('retry-after'), body: await json(res) };
        }
        expect(current.status).toBe(201);
        return JSON.stringify(current.body);
      }),
    );
    expect(new Set(bodies).size).toBe(1);
    const orders = await db().query.orders.findMany({
      where: (t, { eq }) => eq(t.checkoutIdempotencyKey, key),
    });
    expect(orders).toHaveLength(1);
    expect(h.stripe.sessions.size - sessionsBefore).toBe(1);
    expect(await expectCountersConsistent(p.id)).toMatchObject({ onHand: 5, reserved: 2 });
  });
});
