import { randomUUID } from 'node:crypto';
import { eq, sql } from 'drizzle-orm';
import type { Executor } from '../client.js';
import {
  collections,
  customers,
  faqItems,
  inventoryReservations,
  kujiPrizes,
  orderItems,
  orders,
  legalDocuments,
  productCollections,
  productImages,
  productInventory,
  products,
  productTags,
  tags,
  tickets,
  users,
} from '../schema/index.js';

/** Test-data factories (style rule 17): sensible defaults, any column overridable. */
const unique = () => randomUUID().slice(0, 8);

export async function makeCollection(db: Executor, overrides: Partial<typeof collections.$inferInsert> = {}) {
  const name = overrides.name ?? `Collection ${unique()}`;
  const [row] = await db
    .insert(collections)
    .values({ name, slug: overrides.slug ?? `c-${unique()}`, ...overrides })
    .returning();
  return row!;
}

export async function makeTag(db: Executor, overrides: Partial<typeof tags.$inferInsert> = {}) {
  const name = overrides.name ?? `Tag ${unique()}`;
  const [row] = await db
    .insert(tags)
    .values({ name, slug: overrides.slug ?? `t-${unique()}`, tagType: 'category', ...overrides })
    .returning();
  return row!;
}

export interface MakeProductOptions {
  product?: Partial<typeof products.$inferInsert>;
  /** Inventory row; `null` for none. Default on_hand 10. */
  inventory?: Partial<typeof productInventory.$inferInsert> | null;
  collectionIds?: string[];
  tagIds?: string[];
  images?: Array<Partial<typeof productImages.$inferInsert>>;
}

export async function makeProduct(db: Executor, opts: MakeProductOptions = {}) {
  const suffix = unique();
  const [product] = await db
    .insert(products)
    .values({
      name: `Product ${suffix}`,
      slug: `product-${suffix}`,
      status: 'active',
      productType: 'standard',
      priceCents: 2500,
      ...opts.product,
    })
    .returning();
  const p = product!;
  if (opts.inventory !== null) {
    await db.insert(productInventory).values({ productId: p.id, onHand: 10, ...opts.inventory });
  }
  for (const [i, collectionId] of (opts.collectionIds ?? []).entries()) {
    await db.insert(productCollections).values({ productId: p.id, collectionId, sortOrder: i });
  }
  for (const tagId of opts.tagIds ?? []) await db.insert(productTags).values({ productId: p.id, tagId });
  for (const [i, image] of (opts.images ?? []).entries()) {
    await db
      .insert(productImages)
      .values({ productId: p.id, storageKey: `products/${p.id}/img-${i}.png`, sortOrder: i, ...image });
  }
  return p;
}

export interface PrizeSpec {
  code: string;
  tier?: string;
  quantity: number;
  remaining?: number;
  name?: string;
  sortOrder?: number;
}

/** A kuji board: product + prizes + inventory (on_hand = non-LO remaining, as the app maintains it). */
export async function makeKujiProduct(
  db: Executor,
  opts: { product?: Partial<typeof products.$inferInsert>; prizes?: PrizeSpec[] } = {},
) {
  const prizes = opts.prizes ?? [
    { code: 'A1', quantity: 1 },
    { code: 'B1', quantity: 3 },
    { code: 'C1', quantity: 6 },
    { code: 'LO', tier: 'LO', quantity: 1 },
  ];
  const product = await makeProduct(db, {
    product: { productType: 'kuji', priceCents: 1200, ...opts.product },
    inventory: { onHand: 0 },
  });
  const rows = [];
  for (const [i, prize] of prizes.entries()) {
    const [row] = await db
      .insert(kujiPrizes)
      .values({
        productId: product.id,
        prizeCode: prize.code.toUpperCase(),
        prizeTier: (prize.tier ?? prize.code.replace(/\d+$/, '')).toUpperCase(),
        name: prize.name ?? `Prize ${prize.code}`,
        initialQuantity: prize.quantity,
        remainingQuantity: prize.remaining ?? prize.quantity,
        sortOrder: prize.sortOrder ?? i,
      })
      .returning();
    rows.push(row!);
  }
  const onHand = rows.filter((r) => r.prizeTier !== 'LO').reduce((sum, r) => sum + r.remainingQuantity, 0);
  await db.update(productInventory).set({ onHand }).where(eq(productInventory.productId, product.id));
  return { product, prizes: rows };
}

export async function makeUser(db: Executor, overrides: Partial<typeof users.$inferInsert> = {}) {
  const [row] = await db
    .insert(users)
    .values({ id: randomUUID(), email: `staff-${unique()}@popbox.test`, role: 'admin', ...overrides })
    .returning();
  return row!;
}

export async function makeLegalDocument(
  db: Executor,
  overrides: Partial<typeof legalDocuments.$inferInsert> = {},
) {
  const [row] = await db
    .insert(legalDocuments)
    .values({ type: 'terms', content: 'Terms text', version: 1, isActive: true, ...overrides })
    .returning();
  return row!;
}

export async function makeFaqItem(db: Executor, overrides: Partial<typeof faqItems.$inferInsert> = {}) {
  const [row] = await db
    .insert(faqItems)
    .values({
      question: `Question ${unique()}?`,
      answer: 'Answer.',
      sortOrder: 0,
      isPublished: true,
      ...overrides,
    })
    .returning();
  return row!;
}

export async function makeCustomer(db: Executor, overrides: Partial<typeof customers.$inferInsert> = {}) {
  const [row] = await db
    .insert(customers)
    .values({ email: `buyer-${unique()}@example.test`, firstName: 'Aki', lastName: 'Tanaka', ...overrides })
    .returning();
  return row!;
}

export interface MakeOrderOptions {
  order?: Partial<typeof orders.$inferInsert>;
  /** Lines: a product row (from makeProduct / makeKujiProduct) and a quantity. */
  lines?: Array<{ product: typeof products.$inferSelect; quantity: number }>;
}

/** An order with its items (no reservations, no payment): a paid order by default, with a customer. */
export async function makeOrder(db: Executor, opts: MakeOrderOptions = {}) {
  const status = opts.order?.status ?? 'paid';
  const customerId =
    opts.order?.customerId !== undefined
      ? opts.order.customerId
      : status === 'pending_payment'
        ? null
        : (await makeCustomer(db)).id;
  const lines = opts.lines ?? [];
  const subtotal = lines.reduce((sum, l) => sum + l.product.priceCents * l.quantity, 0);
  const [order] = await db
    .insert(orders)
    .values({
      publicId: `PBX-${randomUUID().replace(/-/g, '').slice(0, 10).toUpperCase()}`,
      status,
      subtotalCents: subtotal,
      shippingCents: 1200,
      totalCents: subtotal + 1200,
      checkoutIdempotencyKey: `test-${randomUUID()}`,
      paidAt: status === 'pending_payment' ? null : new Date(),
      placedAt: status === 'pending_payment' ? null : new Date(),
      ...opts.order,
      customerId,
    })
    .returning();
  const items = [];
  for (const line of lines) {
    const [item] = await db
      .insert(orderItems)
      .values({
        orderId: order!.id,
        productId: line.product.id,
        productName: line.product.name,
        productType: line.product.productType,
        unitPriceCents: line.product.priceCents,
        quantity: line.quantity,
        lineTotalCents: line.product.priceCents * line.quantity,
        metadata: { slug: line.product.slug, description: line.product.description },
      })
      .returning();
    items.push(item!);
  }
  return { order: order!, items };
}

/** A kuji ticket of an order item (as finalisation would create it). */
export async function makeTicket(
  db: Executor,
  opts: {
    order: typeof orders.$inferSelect;
    item: typeof orderItems.$inferSelect;
    prize: typeof kujiPrizes.$inferSelect;
    revealedAt?: Date | null;
    voidedAt?: Date | null;
  },
) {
  const [row] = await db
    .insert(tickets)
    .values({
      orderId: opts.order.id,
      orderItemId: opts.item.id,
      customerId: opts.order.customerId!,
      kujiProductId: opts.prize.productId,
      kujiPrizeId: opts.prize.id,
      ticketNumber: `tkt_${randomUUID().replace(/-/g, '').slice(0, 16)}`,
      revealedAt: opts.revealedAt ?? null,
      voidedAt: opts.voidedAt ?? null,
    })
    .returning();
  return row!;
}

/** A reservation row only: callers keep `product_inventory.reserved` in step (or not, on purpose). */
export async function makeReservation(
  db: Executor,
  values: Pick<typeof inventoryReservations.$inferInsert, 'orderId' | 'productId' | 'quantity'> &
    Partial<typeof inventoryReservations.$inferInsert>,
) {
  const [row] = await db
    .insert(inventoryReservations)
    .values({ status: 'active', expiresAt: new Date(Date.now() + 10 * 60 * 1000), ...values })
    .returning();
  return row!;
}

/**
 * `count` tickets of one prize on a paid order of their own (customer, order, order item). Counters are
 * NOT touched: tests decide whether remaining quantities follow.
 */
export async function makeDealtTickets(
  db: Executor,
  opts: { productId: string; prizeId: string; count: number; voided?: boolean },
) {
  const customer = await makeCustomer(db);
  const { order } = await makeOrder(db, { order: { status: 'paid', customerId: customer.id } });
  const [item] = await db
    .insert(orderItems)
    .values({
      orderId: order.id,
      productId: opts.productId,
      productName: 'Kuji draw',
      productType: 'kuji',
      unitPriceCents: 1200,
      quantity: opts.count,
      lineTotalCents: 1200 * opts.count,
      metadata: { slug: 'kuji', description: null },
    })
    .returning();
  const rows = [];
  for (let i = 0; i < opts.count; i++) {
    const [ticket] = await db
      .insert(tickets)
      .values({
        orderId: order.id,
        orderItemId: item!.id,
        customerId: customer.id,
        kujiProductId: opts.productId,
        kujiPrizeId: opts.prizeId,
        ticketNumber: `T-${randomUUID()}`,
        ...(opts.voided ? { voidedAt: new Date(), voidReason: 'refund' } : {}),
      })
      .returning();
    rows.push(ticket!);
  }
  return { order, tickets: rows };
}

/**
 * `count` pending checkouts as checkout leaves them (no customer, one line, one active reservation of
 * `quantity` units until `expiresAt`), with `product_inventory.reserved` raised to match. Set-based, so
 * hundreds cost one round trip each. Orders are created a millisecond apart, in the order of the returned
 * ids; `sessions` gives each one a payment session id `<prefix>_<n>`.
 */
export async function makePendingCheckouts(
  db: Executor,
  opts: {
    product: typeof products.$inferSelect;
    count: number;
    quantity?: number;
    expiresAt: Date;
    sessions?: { prefix: string };
  },
): Promise<string[]> {
  const quantity = opts.quantity ?? 1;
  const batch = unique();
  const prefix = opts.sessions?.prefix ?? null;
  const created = await db.execute<{ id: string; n: number }>(sql`
    INSERT INTO orders (public_id, status, subtotal_cents, shipping_cents, total_cents,
                        checkout_idempotency_key, stripe_checkout_session_id, created_at)
    SELECT 'PBX-T' || ${batch} || '-' || n, 'pending_payment', ${opts.product.priceCents * quantity}, 1200,
           ${opts.product.priceCents * quantity + 1200}, 'test-' || ${batch} || '-' || n,
           CASE WHEN ${prefix}::text IS NULL THEN NULL ELSE ${prefix}::text || '_' || n END,
           now() - interval '1 hour' + n * interval '1 millisecond'
    FROM generate_series(1, ${opts.count}) AS n
    RETURNING id, substring(public_id from '[0-9]+$')::int AS n`);
  const ids = created.rows.sort((a, b) => a.n - b.n).map((r) => r.id);
  await db.execute(sql`
    INSERT INTO order_items (order_id, product_id, product_name, product_type, unit_price_cents, quantity,
                             line_total_cents, metadata)
    SELECT o.id, ${opts.product.id}, ${opts.product.name}, ${opts.product.productType},
           ${opts.product.priceCents}, ${quantity}, ${opts.product.priceCents * quantity},
           ${JSON.stringify({ slug: opts.product.slug, description: opts.product.description })}::jsonb
    FROM unnest(${sql.param(ids)}::uuid[]) AS o(id)`);
  await db.execute(sql`
    INSERT INTO inventory_reservations (order_id, product_id, quantity, status, expires_at)
    SELECT o.id, ${opts.product.id}, ${quantity}, 'active', ${opts.expiresAt}
    FROM unnest(${sql.param(ids)}::uuid[]) AS o(id)`);
  await db
    .update(productInventory)
    .set({ reserved: sql`${productInventory.reserved} + ${quantity * opts.count}` })
    .where(eq(productInventory.productId, opts.product.id));
  return ids;
}
