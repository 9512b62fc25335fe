import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq, inArray, sql } from 'drizzle-orm';
import { createDb, inventoryReservations, orders, productInventory, type Db } from '@popbox/db';
import { createTestDatabase, makePendingCheckouts, makeProduct, type TestDatabase } from '@popbox/db/testing';
import {
  expirePendingOrders,
  fixedClock,
  getReconciliationReport,
  PaymentProviderError,
  releaseExpiredReservations,
  RESERVATION_TTL_MS,
  silentLogger,
  type ExpireSessionResult,
  type PaymentsPort,
} from '../src/index.js';

let database: TestDatabase;
const db = () => database.db;
const clock = fixedClock(new Date());

beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(() => database?.close());

/** A payments port that records every expire call and answers as the test says. */
function recordingPayments(answer: (sessionId: string) => ExpireSessionResult | Error = () => 'expired') {
  const calls: string[] = [];
  const payments: Pick<PaymentsPort, 'expireCheckoutSession' | 'retrieveCheckoutSession'> = {
    async expireCheckoutSession(sessionId) {
      calls.push(sessionId);
      const result = answer(sessionId);
      if (result instanceof Error) throw result;
      return result;
    },
    // The re-check after a failed expire call: the provider is down for that too.
    retrieveCheckoutSession: () => Promise.reject(new PaymentProviderError('Stripe is down', 'unavailable')),
  };
  return { calls, payments: payments as PaymentsPort };
}

const depsWith = (payments: PaymentsPort, on: Db = db()) => ({
  db: on,
  clock,
  logger: silentLogger,
  payments,
});

const minutesAgo = (m: number) => new Date(clock.now().getTime() - m * 60_000);
const minutesAhead = (m: number) => new Date(clock.now().getTime() + m * 60_000);

async function statusesOf(ids: string[]) {
  const rows = await db()
    .select({ id: orders.id, status: orders.status, expiredAt: orders.expiredAt })
    .from(orders)
    .where(inArray(orders.id, ids));
  return new Map(rows.map((r) => [r.id, r]));
}

async function reservationsOf(ids: string[]) {
  return db()
    .select({ orderId: inventoryReservations.orderId, status: inventoryReservations.status })
    .from(inventoryReservations)
    .where(inArray(inventoryReservations.orderId, ids));
}

async function reservedOf(productId: string) {
  const [row] = await db()
    .select({ reserved: productInventory.reserved, onHand: productInventory.onHand })
    .from(productInventory)
    .where(eq(productInventory.productId, productId));
  return row!;
}

async function activeUnits(productId: string) {
  const [row] = await db()
    .select({ units: sql<number>`coalesce(sum(${inventoryReservations.quantity}), 0)::int` })
    .from(inventoryReservations)
    .where(
      sql`${inventoryReservations.productId} = ${productId} AND ${inventoryReservations.status} = 'active'`,
    );
  return row!.units;
}

describe('reservation expiry sweep (B19, F6)', () => {
  it('expires lapsed checkouts, gives their stock back and closes their sessions; fresh holds stay', async () => {
    const p = await makeProduct(db(), { inventory: { onHand: 20 } });
    const lapsed = await makePendingCheckouts(db(), {
      product: p,
      count: 3,
      quantity: 2,
      expiresAt: minutesAgo(1),
      sessions: { prefix: 'cs_lapsed' },
    });
    const fresh = await makePendingCheckouts(db(), {
      product: p,
      count: 2,
      quantity: 1,
      expiresAt: minutesAhead(5),
      sessions: { prefix: 'cs_fresh' },
    });
    // F4: completed-but-unpaid with a delayed method: the hold was extended for days.
    const extended = await makePendingCheckouts(db(), {
      product: p,
      count: 1,
      quantity: 3,
      expiresAt: new Date(clock.now().getTime() + 7 * 24 * 3_600_000),
    });
    expect(await reservedOf(p.id)).toMatchObject({ reserved: 11 });

    const { calls, payments } = recordingPayments();
    const result = await expirePendingOrders(depsWith(payments), { batchSize: 100, maxBatches: 3 });

    expect(result).toEqual({
      batches: 1,
      expiredOrders: 3,
      releasedUnits: 6,
      sessions: { expired: 3, notOpen: 0, notFound: 0, failed: 0 },
    });
    const statuses = await statusesOf([...lapsed, ...fresh, ...extended]);
    for (const id of lapsed) {
      expect(statuses.get(id)).toEqual({ id, status: 'expired', expiredAt: clock.now() });
    }
    for (const id of [...fresh, ...extended]) expect(statuses.get(id)!.status).toBe('pending_payment');
    expect((await reservationsOf(lapsed)).map((r) => r.status)).toEqual(['expired', 'expired', 'expired']);
    expect(await reservedOf(p.id)).toEqual({ reserved: 5, onHand: 20 });
    expect(calls.sort()).toEqual(['cs_lapsed_1', 'cs_lapsed_2', 'cs_lapsed_3']);

    // Nothing left: a second run claims nothing and calls nobody.
    const again = await expirePendingOrders(depsWith(payments), { batchSize: 100, maxBatches: 3 });
    expect(again).toMatchObject({ batches: 1, expiredOrders: 0, releasedUnits: 0 });
    expect(calls).toHaveLength(3);
  });

  it('expires a hold exactly when its 10 minutes are up, by the injected clock', async () => {
    const p = await makeProduct(db(), { inventory: { onHand: 5 } });
    const placedAt = clock.now();
    const [order] = await makePendingCheckouts(db(), {
      product: p,
      count: 1,
      expiresAt: new Date(placedAt.getTime() + RESERVATION_TTL_MS),
    });
    const { payments } = recordingPayments();
    clock.set(new Date(placedAt.getTime() + RESERVATION_TTL_MS - 1000));
    await expirePendingOrders(depsWith(payments), { batchSize: 10, maxBatches: 1 });
    expect((await statusesOf([order!])).get(order!)!.status).toBe('pending_payment');

    clock.set(new Date(placedAt.getTime() + RESERVATION_TTL_MS));
    await expirePendingOrders(depsWith(payments), { batchSize: 10, maxBatches: 1 });
    expect((await statusesOf([order!])).get(order!)!.status).toBe('expired');
    expect(await reservedOf(p.id)).toMatchObject({ reserved: 0 });
  });

  it('claims oldest first, batch by batch, and stops after the configured number of batches', async () => {
    const p = await makeProduct(db(), { inventory: { onHand: 50 } });
    const ids = await makePendingCheckouts(db(), { product: p, count: 7, expiresAt: minutesAgo(2) });
    const { payments } = recordingPayments();

    const first = await expirePendingOrders(depsWith(payments), { batchSize: 3, maxBatches: 2 });
    expect(first).toMatchObject({ batches: 2, expiredOrders: 6, releasedUnits: 6 });
    const statuses = await statusesOf(ids);
    expect(ids.map((id) => statuses.get(id)!.status)).toEqual([
      ...Array<string>(6).fill('expired'),
      'pending_payment',
    ]);

    const rest = await expirePendingOrders(depsWith(payments), { batchSize: 3, maxBatches: 2 });
    expect(rest).toMatchObject({ batches: 1, expiredOrders: 1 });
    expect(await reservedOf(p.id)).toMatchObject({ reserved: 0 });
  });

  it('counts provider failures without retrying them; "not found" and "not open" are fine', async () => {
    const p = await makeProduct(db(), { inventory: { onHand: 10 } });
    const ids = await makePendingCheckouts(db(), {
      product: p,
      count: 4,
      expiresAt: minutesAgo(1),
      sessions: { prefix: 'cs_mixed' },
    });
    const answers: Record<string, ExpireSessionResult | Error> = {
      cs_mixed_1: 'expired',
      cs_mixed_2: 'not_open',
      cs_mixed_3: 'not_found',
      cs_mixed_4: new PaymentProviderError('Stripe is down', 'unavailable'),
    };
    const { calls, payments } = recordingPayments((id) => answers[id] ?? new Error(`unexpected ${id}`));
    const result = await expirePendingOrders(depsWith(payments), { batchSize: 10, maxBatches: 3 });
    expect(result.sessions).toEqual({ expired: 1, notOpen: 1, notFound: 1, failed: 1 });
    expect(calls.sort()).toEqual(['cs_mixed_1', 'cs_mixed_2', 'cs_mixed_3', 'cs_mixed_4']);
    // The orders are expired whatever the provider said: the stock is what matters to other buyers.
    expect([...(await statusesOf(ids)).values()].map((o) => o.status)).toEqual(Array(4).fill('expired'));
  });

  it('skips an order another transaction holds (a finalising payment) instead of waiting for it', async () => {
    const p = await makeProduct(db(), { inventory: { onHand: 10 } });
    const [held, free] = await makePendingCheckouts(db(), { product: p, count: 2, expiresAt: minutesAgo(1) });
    const { payments } = recordingPayments();
    let release!: () => void;
    const locked = new Promise<void>((resolve) => (release = resolve));
    let holding!: () => void;
    const isHolding = new Promise<void>((resolve) => (holding = resolve));
    const finalisation = db().transaction(async (tx) => {
      await tx.select().from(orders).where(eq(orders.id, held!)).for('update');
      holding();
      await locked;
    });
    await isHolding;
    const result = await expirePendingOrders(depsWith(payments), { batchSize: 10, maxBatches: 1 });
    release();
    await finalisation;
    expect(result).toMatchObject({ expiredOrders: 1, releasedUnits: 1 });
    const statuses = await statusesOf([held!, free!]);
    expect(statuses.get(held!)!.status).toBe('pending_payment');
    expect(statuses.get(free!)!.status).toBe('expired');

    // Once the other transaction is done (here without paying), the next run takes it.
    await expirePendingOrders(depsWith(payments), { batchSize: 10, maxBatches: 1 });
    expect((await statusesOf([held!])).get(held!)!.status).toBe('expired');
    expect(await reservedOf(p.id)).toMatchObject({ reserved: 0 });
  });
});

describe('two jobs processes sweeping at once (F15)', () => {
  it('releases each of 500 lapsed checkouts exactly once', async () => {
    const p = await makeProduct(db(), { inventory: { onHand: 3000 } });
    const lapsed = await makePendingCheckouts(db(), {
      product: p,
      count: 500,
      quantity: 2,
      expiresAt: minutesAgo(3),
      sessions: { prefix: 'cs_storm' },
    });
    // Other buyers' live holds: a double release would eat into these instead of stopping at 0.
    await makePendingCheckouts(db(), { product: p, count: 10, quantity: 50, expiresAt: minutesAhead(8) });
    expect(await reservedOf(p.id)).toMatchObject({ reserved: 1500 });

    // Two processes = two pools of their own, each sweeping in many small batches so they interleave.
    const processes = [createDb(database.url, { max: 2 }), createDb(database.url, { max: 2 })];
    const recorders = processes.map(() => recordingPayments());
    try {
      const results = await Promise.all(
        processes.map((proc, i) =>
          expirePendingOrders(depsWith(recorders[i]!.payments, proc.db), { batchSize: 10, maxBatches: 100 }),
        ),
      );
      expect(results.every((r) => r.expiredOrders > 0)).toBe(true); // both really took part
      expect(results.reduce((s, r) => s + r.expiredOrders, 0)).toBe(500);
      expect(results.reduce((s, r) => s + r.releasedUnits, 0)).toBe(1000);
    } finally {
      await Promise.all(processes.map((proc) => proc.close()));
    }

    const closed = recorders.flatMap((r) => r.calls);
    expect(closed).toHaveLength(500);
    expect(new Set(closed).size).toBe(500);
    const statuses = await statusesOf(lapsed);
    expect([...statuses.values()].filter((o) => o.status === 'expired')).toHaveLength(500);
    const reservations = await reservationsOf(lapsed);
    expect(reservations.filter((r) => r.status === 'expired')).toHaveLength(500);
    expect(await reservedOf(p.id)).toMatchObject({ reserved: 500 });
    expect(await activeUnits(p.id)).toBe(500);
    expect((await getReconciliationReport({ db: db(), clock })).clean).toBe(true);
  });
});

describe('safety net: holds left on closed orders (B19 cleanupExpiredReservations)', () => {
  it('releases what expired and cancelled orders still hold, once, and leaves pending orders alone', async () => {
    const p = await makeProduct(db(), { inventory: { onHand: 30 } });
    const [expiredOrder, cancelledOrder, pending] = await makePendingCheckouts(db(), {
      product: p,
      count: 3,
      quantity: 2,
      expiresAt: minutesAgo(4),
    });
    // As F16 leaves an order: expired, while its reservation of another product is still active.
    await db()
      .update(orders)
      .set({ status: 'expired', expiredAt: clock.now() })
      .where(eq(orders.id, expiredOrder!));
    await db()
      .update(orders)
      .set({ status: 'cancelled', cancelledAt: clock.now() })
      .where(eq(orders.id, cancelledOrder!));

    const result = await releaseExpiredReservations(
      { db: db(), logger: silentLogger },
      { batchSize: 10, maxBatches: 3 },
    );
    expect(result).toEqual({ batches: 1, orders: 2, releasedUnits: 4 });
    expect(await reservedOf(p.id)).toMatchObject({ reserved: 2 });
    const statuses = await statusesOf([expiredOrder!, cancelledOrder!, pending!]);
    expect(statuses.get(pending!)!.status).toBe('pending_payment'); // the expiry sweep's business, not this
    expect((await reservationsOf([expiredOrder!, cancelledOrder!])).map((r) => r.status)).toEqual([
      'expired',
      'expired',
    ]);

    const again = await releaseExpiredReservations(
      { db: db(), logger: silentLogger },
      { batchSize: 10, maxBatches: 3 },
    );
    expect(again).toEqual({ batches: 1, orders: 0, releasedUnits: 0 });
    expect(await reservedOf(p.id)).toMatchObject({ reserved: 2 });
  });
});
