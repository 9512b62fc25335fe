import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import { eq } from 'drizzle-orm';
import { idempotencyKeys, orders, payments } from '@popbox/db';
import { createTestDatabase, makeOrder, makeProduct, type TestDatabase } from '@popbox/db/testing';
import { attachSessionToOrder } from '../src/checkout/attach-session.queries.js';
import { claimCheckout } from '../src/checkout/checkout-claim.queries.js';
import type { CheckoutSession } from '../src/ports/payments.js';

/**
 * Issue 14: saving the payment session became one statement (`checkout_attach_session`). It must keep what
 * the six-statement transaction decided: only a key still in progress is finished, only a pending order with
 * no other session takes the session, and nothing at all is written otherwise.
 */
let database: TestDatabase;
const db = () => database.db;

beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(() => database?.close());

const session = (id: string): CheckoutSession =>
  ({
    id,
    url: `https://pay.example.test/${id}`,
    status: 'open',
    paymentStatus: 'unpaid',
    paymentIntentId: null,
    cardFingerprint: null,
    currency: 'cad',
    amountSubtotal: 1000,
    amountTotal: 2200,
    amountShipping: 1200,
    amountTax: 0,
    amountDiscount: 0,
    customerEmail: null,
    customerDetails: null,
    metadata: {},
    created: 0,
  }) as unknown as CheckoutSession;

async function pendingCheckout(state: 'in_progress' | 'completed' = 'in_progress') {
  const product = await makeProduct(db());
  const key = `key-${randomUUID()}`;
  const { order } = await makeOrder(db(), {
    order: { status: 'pending_payment', checkoutIdempotencyKey: key },
    lines: [{ product, quantity: 1 }],
  });
  await db().insert(payments).values({ orderId: order.id, amountCents: order.totalCents, status: 'pending' });
  const [claim] = await db()
    .insert(idempotencyKeys)
    .values({
      scope: 'checkout',
      key,
      fingerprint: 'f'.repeat(64),
      state,
      resourceId: order.id,
      responseStatus: state === 'completed' ? 502 : null,
      expiresAt: new Date(Date.now() + 86_400_000),
    })
    .returning();
  return { order, claim: claim!, key, product };
}

const read = async (orderId: string, claimId: string) => ({
  order: (await db().select().from(orders).where(eq(orders.id, orderId)))[0]!,
  payment: (await db().select().from(payments).where(eq(payments.orderId, orderId)))[0]!,
  key: (await db().select().from(idempotencyKeys).where(eq(idempotencyKeys.id, claimId)))[0]!,
});

describe('attachSessionToOrder (one statement)', () => {
  it('gives a pending order its session, records it on the payment and stores the answer with the key', async () => {
    const { order, claim } = await pendingCheckout();
    const answer = { checkoutUrl: 'https://pay.example.test/cs_1', sessionId: 'cs_1' };
    const outcome = await attachSessionToOrder(db(), {
      claimId: claim.id,
      orderId: order.id,
      session: session('cs_1'),
      answer,
      now: new Date('2026-01-02T03:04:05.678Z'),
    });
    expect(outcome).toEqual({
      key: { state: 'in_progress', responseStatus: null, responseBody: null },
      attached: true,
    });
    const after = await read(order.id, claim.id);
    expect(after.order.stripeCheckoutSessionId).toBe('cs_1');
    expect(after.payment.providerCheckoutSessionId).toBe('cs_1');
    expect(after.payment.rawResponse).toMatchObject({ id: 'cs_1', currency: 'CAD' });
    expect(after.key).toMatchObject({
      state: 'completed',
      responseStatus: 201,
      responseBody: answer,
      resourceId: order.id,
    });
    expect(after.key.completedAt?.toISOString()).toBe('2026-01-02T03:04:05.678Z');
  });

  it('writes nothing when the key was already finished (the compensation or a retry got there first)', async () => {
    const { order, claim } = await pendingCheckout('completed');
    const outcome = await attachSessionToOrder(db(), {
      claimId: claim.id,
      orderId: order.id,
      session: session('cs_2'),
      answer: { sessionId: 'cs_2' },
      now: new Date(),
    });
    expect(outcome).toEqual({
      key: { state: 'completed', responseStatus: 502, responseBody: null },
      attached: false,
    });
    const after = await read(order.id, claim.id);
    expect(after.order.stripeCheckoutSessionId).toBeNull();
    expect(after.payment.providerCheckoutSessionId).toBeNull();
    expect(after.key.responseStatus).toBe(502);
  });

  it('writes nothing when the order is no longer payable, or already has another session', async () => {
    const cancelled = await pendingCheckout();
    await db().update(orders).set({ status: 'cancelled' }).where(eq(orders.id, cancelled.order.id));
    const other = await pendingCheckout();
    await db()
      .update(orders)
      .set({ stripeCheckoutSessionId: 'cs_other' })
      .where(eq(orders.id, other.order.id));
    for (const { order, claim } of [cancelled, other]) {
      const outcome = await attachSessionToOrder(db(), {
        claimId: claim.id,
        orderId: order.id,
        session: session(`cs_${randomUUID()}`),
        answer: {},
        now: new Date(),
      });
      expect(outcome.attached).toBe(false);
      const after = await read(order.id, claim.id);
      expect(after.payment.providerCheckoutSessionId).toBeNull();
      expect(after.key.state).toBe('in_progress');
    }
  });
});

describe('claimCheckout (the first statement of the order transaction)', () => {
  it('claims a fresh key naming the order, and share-locks the existing products of the cart, in id order', async () => {
    const plain = await makeProduct(db());
    const capped = await makeProduct(db(), { product: { maxPerBuyer: 2 } });
    const missing = randomUUID();
    const key = `key-${randomUUID()}`;
    const orderId = randomUUID();
    const now = new Date('2026-12-06T06:00:00Z');
    const rollback = new Error('roll back');
    await expect(
      db().transaction(async (tx) => {
        const claim = await claimCheckout(tx, {
          key,
          fingerprint: 'f'.repeat(64),
          orderId,
          now,
          productIds: [plain.id, missing, capped.id],
        });
        if (claim.kind !== 'claimed') throw new Error(`expected a claim, got ${claim.kind}`);
        expect(claim.products.map((p) => p.id)).toEqual([plain.id, capped.id].sort());
        expect(claim.products.find((p) => p.id === capped.id)).toMatchObject({
          maxPerBuyer: 2,
          maxPerOrder: null,
          inventoryProductId: capped.id,
          status: 'active',
          priceCents: capped.priceCents,
        });
        const [row] = await tx.select().from(idempotencyKeys).where(eq(idempotencyKeys.id, claim.claimId));
        expect(row).toMatchObject({ key, state: 'in_progress', resourceId: orderId });
        expect(row!.expiresAt.getTime()).toBe(now.getTime() + 86_400_000);
        // The share lock: another transaction cannot lock the row for an edit until this one ends.
        const other = await database.pool.connect();
        try {
          await expect(
            other.query('select 1 from products where id = $1 for update nowait', [capped.id]),
          ).rejects.toMatchObject({ code: '55P03' });
        } finally {
          other.release();
        }
        throw rollback;
      }),
    ).rejects.toBe(rollback);
    // Rolled back: the key is free again.
    const left = await db().select().from(idempotencyKeys).where(eq(idempotencyKeys.key, key));
    expect(left).toEqual([]);
  });

  it('answers a used key with its record and claims nothing', async () => {
    const { claim, key, product } = await pendingCheckout();
    const found = await db().transaction((tx) =>
      claimCheckout(tx, {
        key,
        fingerprint: 'e'.repeat(64),
        orderId: randomUUID(),
        now: new Date(),
        productIds: [product.id],
      }),
    );
    expect(found).toEqual({
      kind: 'taken',
      key: {
        id: claim.id,
        fingerprint: 'f'.repeat(64),
        state: 'in_progress',
        responseStatus: null,
        responseBody: null,
        resourceId: claim.resourceId,
      },
    });
    const rows = await db().select().from(idempotencyKeys).where(eq(idempotencyKeys.key, key));
    expect(rows).toHaveLength(1);
  });
});
