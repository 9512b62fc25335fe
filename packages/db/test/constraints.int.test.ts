import { randomBytes } from 'node:crypto';
import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isForeignKeyViolation } from '../src/errors.js';
import {
  customers,
  idempotencyKeys,
  kujiDeckEpochs,
  kujiDecks,
  kujiDrawLog,
  kujiPrizes,
  payments,
  productInventory,
  tickets,
} from '../src/schema/index.js';
import {
  createTestDatabase,
  makeKujiProduct,
  makeLegalDocument,
  makeProduct,
  type TestDatabase,
} from '../src/testing/index.js';
import { CHECK, UNIQUE, expectPgError, makeOrder, makeOrderItem } from './helpers.js';

const randomHash = () => randomBytes(32).toString('hex');

let t: TestDatabase;
beforeAll(async () => {
  t = await createTestDatabase();
});
afterAll(async () => {
  await t?.close();
});

describe('stock', () => {
  it('rejects a negative on_hand', async () => {
    const p = await makeProduct(t.db, { inventory: null });
    await expectPgError(
      t.db.insert(productInventory).values({ productId: p.id, onHand: -1 }),
      CHECK,
      'product_inventory_on_hand_check',
    );
  });

  it('rejects reserved going below zero', async () => {
    const p = await makeProduct(t.db, { inventory: { onHand: 5, reserved: 1 } });
    await expectPgError(
      t.db
        .update(productInventory)
        .set({ reserved: sql`${productInventory.reserved} - 2` })
        .where(eq(productInventory.productId, p.id)),
      CHECK,
      'product_inventory_reserved_check',
    );
  });

  it('leaves reserved <= on_hand to the application (no database check)', async () => {
    const p = await makeProduct(t.db, { inventory: { onHand: 1, reserved: 3 } });
    expect(p.id).toBeTruthy();
  });

  it('rejects a negative low-stock threshold', async () => {
    const p = await makeProduct(t.db, { inventory: null });
    await expectPgError(
      t.db.insert(productInventory).values({ productId: p.id, lowStockThreshold: -1 }),
      CHECK,
      'product_inventory_low_stock_threshold_check',
    );
  });
});

describe('money', () => {
  it('rejects a negative price', async () => {
    await expectPgError(
      makeProduct(t.db, { product: { priceCents: -1 } }),
      CHECK,
      'products_price_cents_check',
    );
  });

  it('rejects a refunded amount above the paid amount', async () => {
    const order = await makeOrder(t.db);
    const [payment] = await t.db
      .insert(payments)
      .values({ orderId: order.id, amountCents: 3700 })
      .returning();
    await t.db.update(payments).set({ refundedAmountCents: 3700 }).where(eq(payments.id, payment!.id));
    await expectPgError(
      t.db.update(payments).set({ refundedAmountCents: 3701 }).where(eq(payments.id, payment!.id)),
      CHECK,
      'payments_refunded_not_above_amount_check',
    );
  });

  it('rejects negative order amounts', async () => {
    await expectPgError(makeOrder(t.db, { totalCents: -1 }), CHECK, 'orders_total_cents_check');
  });

  it('rejects an order item with quantity 0', async () => {
    const order = await makeOrder(t.db);
    const p = await makeProduct(t.db);
    await expectPgError(makeOrderItem(t.db, order, p, { quantity: 0 }), CHECK, 'order_items_quantity_check');
  });

  it('rejects a line total that is not unit price × quantity', async () => {
    const order = await makeOrder(t.db);
    const p = await makeProduct(t.db);
    await expectPgError(
      makeOrderItem(t.db, order, p, { quantity: 2, unitPriceCents: 1000, lineTotalCents: 1000 }),
      CHECK,
      'order_items_line_total_matches_check',
    );
  });
});

describe('orders', () => {
  it('rejects a duplicate checkout idempotency key', async () => {
    await makeOrder(t.db, { checkoutIdempotencyKey: 'same-key' });
    await expectPgError(
      makeOrder(t.db, { checkoutIdempotencyKey: 'same-key' }),
      UNIQUE,
      'orders_checkout_idempotency_key_key',
    );
  });

  it('has no customer until payment, and a customer with orders cannot be deleted', async () => {
    const pending = await makeOrder(t.db);
    expect(pending.customerId).toBeNull();
    const [customer] = await t.db.insert(customers).values({ email: 'buyer@example.com' }).returning();
    await makeOrder(t.db, { customerId: customer!.id, status: 'paid' });
    const error = await t.db
      .delete(customers)
      .where(eq(customers.id, customer!.id))
      .then(
        () => null,
        (e: unknown) => e,
      );
    expect(isForeignKeyViolation(error)?.constraint).toBe('orders_customer_id_customers_id_fk');
  });
});

describe('idempotency keys', () => {
  const row = (scope: string, key: string) => ({
    scope,
    key,
    fingerprint: 'a'.repeat(64),
    expiresAt: new Date(Date.now() + 86_400_000),
  });

  it('rejects the same key twice in one scope but allows it in another', async () => {
    await t.db.insert(idempotencyKeys).values(row('checkout', 'k-1'));
    await t.db.insert(idempotencyKeys).values(row('refund', 'k-1'));
    await expectPgError(
      t.db.insert(idempotencyKeys).values(row('checkout', 'k-1')),
      UNIQUE,
      'idempotency_keys_scope_key_key',
    );
  });

  it('only knows the states in_progress and completed', async () => {
    await expectPgError(
      t.db.insert(idempotencyKeys).values({ ...row('checkout', 'k-2'), state: 'done' as 'completed' }),
      CHECK,
      'idempotency_keys_state_check',
    );
  });
});

describe('legal documents', () => {
  it('allows at most one active document per type', async () => {
    await makeLegalDocument(t.db, { type: 'privacy', version: 1 });
    await makeLegalDocument(t.db, { type: 'privacy', version: 2, isActive: false });
    await expectPgError(
      makeLegalDocument(t.db, { type: 'privacy', version: 3 }),
      UNIQUE,
      'legal_documents_one_active_per_type_idx',
    );
  });

  it('rejects a duplicate version of a type', async () => {
    await makeLegalDocument(t.db, { type: 'shipping_returns', version: 1, isActive: false });
    await expectPgError(
      makeLegalDocument(t.db, { type: 'shipping_returns', version: 1, isActive: false }),
      UNIQUE,
      'legal_documents_type_version_key',
    );
  });
});

describe('kuji prizes', () => {
  const prize = (productId: string, overrides: Partial<typeof kujiPrizes.$inferInsert> = {}) => ({
    productId,
    prizeCode: 'Z1',
    prizeTier: 'Z',
    name: 'Prize',
    initialQuantity: 2,
    remainingQuantity: 2,
    ...overrides,
  });

  it('rejects remaining above initial', async () => {
    const { product } = await makeKujiProduct(t.db);
    await expectPgError(
      t.db.insert(kujiPrizes).values(prize(product.id, { remainingQuantity: 3 })),
      CHECK,
      'kuji_prizes_remaining_not_above_initial_check',
    );
  });

  it('rejects a duplicate prize code on the same board only', async () => {
    const { product } = await makeKujiProduct(t.db);
    const other = await makeKujiProduct(t.db);
    await expectPgError(
      t.db.insert(kujiPrizes).values(prize(product.id, { prizeCode: 'A1' })),
      UNIQUE,
      'kuji_prizes_product_id_prize_code_key',
    );
    await t.db.insert(kujiPrizes).values(prize(other.product.id));
    await t.db.insert(kujiPrizes).values(prize(product.id));
  });

  it('rejects a blank tier', async () => {
    const { product } = await makeKujiProduct(t.db);
    await expectPgError(
      t.db.insert(kujiPrizes).values(prize(product.id, { prizeTier: '   ' })),
      CHECK,
      'kuji_prizes_prize_tier_not_blank_check',
    );
  });
});

describe('kuji decks', () => {
  /** Issue 12's claim: one guarded update takes q cards of the board for a paid line, or nothing. */
  async function claim(productId: string, q: number): Promise<number | null> {
    const result = await t.db.execute<{ first: number }>(sql`
      update kuji_decks set claimed_through = claimed_through + ${q}
      where product_id = ${productId} and claimed_through + ${q} <= total_cards
      returning claimed_through - ${q} + 1 as first`);
    return result.rows[0]?.first ?? null;
  }

  it('claims consecutive cards and refuses to overdraw', async () => {
    const { product } = await makeKujiProduct(t.db);
    await t.db.insert(kujiDecks).values({ productId: product.id, totalCards: 10 });
    expect(await claim(product.id, 3)).toBe(1);
    expect(await claim(product.id, 6)).toBe(4);
    expect(await claim(product.id, 2)).toBeNull();
    expect(await claim(product.id, 1)).toBe(10);
    expect(await claim(product.id, 1)).toBeNull();
  });

  it('never deals past the claimed cards, nor claims past the end of the deck', async () => {
    const { product } = await makeKujiProduct(t.db);
    await t.db.insert(kujiDecks).values({ productId: product.id, totalCards: 2, claimedThrough: 1 });
    await expectPgError(
      t.db.update(kujiDecks).set({ nextPosition: 3 }).where(eq(kujiDecks.productId, product.id)),
      CHECK,
      'kuji_decks_claimed_through_check',
    );
    await expectPgError(
      t.db.update(kujiDecks).set({ claimedThrough: 3 }).where(eq(kujiDecks.productId, product.id)),
      CHECK,
      'kuji_decks_claimed_through_bound_check',
    );
  });

  it('gives each deck position to at most one ticket, and a dealt ticket its prize', async () => {
    const { product, prizes } = await makeKujiProduct(t.db);
    const [customer] = await t.db.insert(customers).values({ email: 'kuji@example.com' }).returning();
    const order = await makeOrder(t.db, { customerId: customer!.id, status: 'paid' });
    const item = await makeOrderItem(t.db, order, product, {
      productType: 'kuji',
      quantity: 2,
      unitPriceCents: 1200,
    });
    const [epoch] = await t.db
      .insert(kujiDeckEpochs)
      .values({
        productId: product.id,
        epoch: 1,
        firstPosition: 1,
        cardCount: 10,
        seedHex: 'ab'.repeat(32),
        commitment: 'cd'.repeat(32),
        recipeVersion: 'v1',
        manifest: {},
      })
      .returning();
    const ticket = (
      n: string,
      deckPosition: number | null,
      kujiPrizeId: string | null = prizes[0]!.id,
      deckEpochId: string | null = epoch!.id,
    ) => ({
      orderId: order.id,
      orderItemId: item.id,
      customerId: customer!.id,
      kujiProductId: product.id,
      kujiPrizeId,
      ticketNumber: `tkt_${n}`,
      deckEpochId,
      deckPosition,
    });
    await t.db.insert(tickets).values(ticket('0000000000000001', 1));
    await expectPgError(
      t.db.insert(tickets).values(ticket('0000000000000002', 1)),
      UNIQUE,
      'tickets_kuji_product_id_deck_position_key',
    );
    // A position without a prize, or a pending ticket without its draw-log line, is refused.
    await expectPgError(
      t.db.insert(tickets).values(ticket('0000000000000003', 2, null)),
      CHECK,
      'tickets_dealt_or_pending_check',
    );
    await expectPgError(
      t.db.insert(tickets).values(ticket('0000000000000004', null, null)),
      CHECK,
      'tickets_dealt_or_pending_check',
    );
  });
});

describe('kuji draw log (issue 12)', () => {
  async function drawEntry(productId: string) {
    const [row] = await t.db
      .insert(kujiDrawLog)
      .values({
        productId,
        seq: 1,
        kind: 'draw',
        epoch: 1,
        lineRef: 'ln_00000000000000aa',
        ticketCount: 2,
        targetRound: 1000,
        prevHash: '0'.repeat(64),
        entryHash: randomHash(),
        loggedAt: new Date(),
      })
      .returning();
    return row!;
  }

  it('a logged line cannot be moved to another round, edited or deleted; its deal is recorded once', async () => {
    const { product } = await makeKujiProduct(t.db);
    const entry = await drawEntry(product.id);
    const appendOnly = async (write: Promise<unknown>) => {
      const error = await write.then(
        () => null,
        (e: unknown) => e,
      );
      expect(String((error as { cause?: unknown })?.cause ?? error)).toMatch(/append-only|already recorded/);
    };
    await appendOnly(t.db.update(kujiDrawLog).set({ targetRound: 1001 }).where(eq(kujiDrawLog.id, entry.id)));
    await appendOnly(t.db.update(kujiDrawLog).set({ ticketCount: 1 }).where(eq(kujiDrawLog.id, entry.id)));
    await appendOnly(
      t.db.update(kujiDrawLog).set({ entryHash: randomHash() }).where(eq(kujiDrawLog.id, entry.id)),
    );
    await appendOnly(t.db.delete(kujiDrawLog).where(eq(kujiDrawLog.id, entry.id)));

    const dealt = { firstPosition: 1, wonLastOne: false, dealtAt: new Date() };
    await t.db.update(kujiDrawLog).set(dealt).where(eq(kujiDrawLog.id, entry.id));
    await appendOnly(t.db.update(kujiDrawLog).set({ firstPosition: 5 }).where(eq(kujiDrawLog.id, entry.id)));
    const [after] = await t.db.select().from(kujiDrawLog).where(eq(kujiDrawLog.id, entry.id));
    expect(after).toMatchObject({ targetRound: 1000, ticketCount: 2, firstPosition: 1 });

    // Deleting the board itself takes its log with it.
    await t.db.execute(sql`delete from product_inventory where product_id = ${product.id}`);
    await t.db.execute(sql`delete from kuji_prizes where product_id = ${product.id}`);
    await t.db.execute(sql`delete from products where id = ${product.id}`);
    expect(await t.db.select().from(kujiDrawLog).where(eq(kujiDrawLog.id, entry.id))).toEqual([]);
  });

  it('a draw entry needs its line, count and round', async () => {
    const { product } = await makeKujiProduct(t.db);
    await expectPgError(
      t.db.insert(kujiDrawLog).values({
        productId: product.id,
        seq: 1,
        kind: 'draw',
        epoch: 1,
        lineRef: 'ln_00000000000000bb',
        ticketCount: 1,
        prevHash: '0'.repeat(64),
        entryHash: randomHash(),
        loggedAt: new Date(),
      }),
      CHECK,
      'kuji_draw_log_draw_fields_check',
    );
  });
});
