import { asc, eq, inArray, sql } from 'drizzle-orm';
import {
  isUniqueViolation,
  productInventory,
  products,
  type Tx,
} from '@popbox/db';
import type { Deps } from '../shared/deps.js';
import { CURRENCY, RESERVATION_TTL_MS } from '../shared/constants.js';
import { DomainError } from '../shared/errors.js';
import { generatePublicId } from '../orders/public-id.js';
import { reserveStock } from '../inventory/stock.queries.js';
import { openEpochOf, syncKujiBoard } from '../kuji/epochs.js';
import { lockKujiBoard } from '../kuji/board.queries.js';
import { assertOnSale } from '../catalog/sale-window.rules.js';
import {
  releaseExpiredReservationsOfProduct,
  type ExpiredElsewhere,
} from '../inventory/reservations.queries.js';
import type { NormalisedCheckout } from './cart.rules.js';
import { shippingCentsFor, type ShippingSettings } from '../content/shipping.rules.js';
import { assertBuyerCaps } from '../caps/check-checkout-caps.js';
import { emailKey } from '../caps/buyer-keys.rules.js';

export interface PlacedLine {
  productId: string;
  productType: 'standard' | 'kuji';
  name: string;
  slug: string;
  description: string | null;
  unitPriceCents: number;
  quantity: number;
}

export interface PlacedOrder {
  orderId: string;
  publicId: string;
  subtotalCents: number;
  shippingCents: number;
  totalCents: number;
  lines: PlacedLine[];
  /** End of the stock hold (B3: 10 minutes). */
  reservationExpiresAt: Date;
  /** Orders F16 expired on the way (their payment sessions are closed after commit, F6). */
  expiredElsewhere: ExpiredElsewhere[];
}

async function loadProducts(tx: Tx, ids: string[]) {
  // FOR SHARE OF products: prices and status are read from rows no admin edit can change under us
  // (security rule 3); share locks never make two checkouts wait for each other.
  return tx
    .select({
      id: products.id,
      name: products.name,
      slug: products.slug,
      description: products.description,
      status: products.status,
      productType: products.productType,
      priceCents: products.priceCents,
      salesStartAt: products.salesStartAt,
      salesEndAt: products.salesEndAt,
      preSaleVisibility: products.preSaleVisibility,
      maxPerOrder: products.maxPerOrder,
      maxPerBuyer: products.maxPerBuyer,
      inventoryProductId: productInventory.productId,
    })
    .from(products)
    .leftJoin(productInventory, eq(productInventory.productId, products.id))
    .where(inArray(products.id, ids))
    .orderBy(asc(products.id))
    .for('share', { of: products });
}

/**
 * B3 steps 7–8: every line must name an existing, active product with an inventory row (kuji: on_hand =
 * undealt cards), inside its sale window at `now` (issue 13: 409 NOT_ON_SALE_YET / SALE_ENDED; a hidden drop
 * before its start is NOT_FOUND, as everywhere public).
 */
export function priceLines(
  lines: NormalisedCheckout['lines'],
  rows: Awaited<ReturnType<typeof loadProducts>>,
  now: Date,
): PlacedLine[] {
  const byId = new Map(rows.map((r) => [r.id, r]));
  return lines.map((line) => {
    const product = byId.get(line.productId);
    if (!product || !product.inventoryProductId) {
      throw new DomainError('NOT_FOUND', `Product ${line.productId} not found`, {
        productId: line.productId,
      });
    }
    if (product.status !== 'active') {
      throw new DomainError('PRODUCT_UNAVAILABLE', `${product.name} is not available`, {
        productId: product.id,
      });
    }
    assertOnSale(product, now);
    return {
      productId: product.id,
      productType: product.productType,
      name: product.name,
      slug: product.slug,
      description: product.description,
      unitPriceCents: product.priceCents,
      quantity: line.quantity,
    };
  });
}

interface PendingOrder {
  orderId: string;
  publicId: string;
  subtotalCents: number;
  shippingCents: number;
  totalCents: number;
}

/**
 * B3 step 10: order (no customer, F2), items with snapshots, one reservation per line, pending payment —
 * ONE statement (issue 14: four inserts were four round trips, each costing the database more to receive,
 * parse and plan than to run). The foreign keys of the items, holds and payment to the order are checked at
 * the end of the statement, when the order row exists.
 */
async function insertPendingOrder(
  tx: Tx,
  order: PendingOrder,
  checkout: NormalisedCheckout,
  lines: PlacedLine[],
  idempotencyKey: string,
  reservationExpiresAt: Date,
): Promise<void> {
  const column = <T>(pick: (l: PlacedLine) => T) => sql.param(lines.map(pick));
  try {
    await tx.execute(sql`
      with o as (
        insert into orders (id, public_id, status, currency, subtotal_cents, tax_cents, shipping_cents,
                            total_cents, checkout_idempotency_key, checkout_email, checkout_name, buyer_email_key)
        values (${order.orderId}, ${order.publicId}, 'pending_payment', ${CURRENCY}, ${order.subtotalCents}, 0,
                ${order.shippingCents}, ${order.totalCents}, ${idempotencyKey}, ${checkout.email},
                ${checkout.name}, ${emailKey(checkout.email)})
        returning id),
      l as (
        select * from unnest(${column((l) => l.productId)}::uuid[], ${column((l) => l.name)}::text[],
                             ${column((l) => l.productType)}::product_type[],
                             ${column((l) => l.unitPriceCents)}::int[], ${column((l) => l.quantity)}::int[],
                             ${column((l) => l.slug)}::text[], ${column((l) => l.description)}::text[])
          as l (product_id, name, product_type, unit_price_cents, quantity, slug, description)),
      items as (
        insert into order_items (order_id, product_id, product_name, product_type, unit_price_cents, quantity,
                                 line_total_cents, metadata)
        select o.id, l.product_id, l.name, l.product_type, l.unit_price_cents, l.quantity,
               l.unit_price_cents * l.quantity, jsonb_build_object('slug', l.slug, 'description', l.description)
          from o, l),
      holds as (
        insert into inventory_reservations (order_id, product_id, quantity, expires_at)
        select o.id, l.product_id, l.quantity, ${reservationExpiresAt.toISOString()}::timestamptz from o, l)
      insert into payments (order_id, amount_cents, currency, status)
      select o.id, ${order.totalCents}, ${CURRENCY}, 'pending' from o`);
  } catch (error) {
    if (isUniqueViolation(error)?.constraint === 'orders_checkout_idempotency_key_key') {
      throw new DomainError(
        'CHECKOUT_NOT_REUSABLE',
        'This Idempotency-Key already belongs to another checkout; use a new key',
      );
    }
    throw error;
  }
}

/**
 * The guarded updates, LAST in the transaction and in product-id order. F16: a product that looks short
 * first gets its expired-but-unswept reservations released, then one more try.
 */
async function holdStock(
  tx: Tx,
  deps: Pick<Deps, 'clock' | 'random' | 'beacon'>,
  lines: PlacedLine[],
  hiddenDrops: Set<string>,
  now: Date,
): Promise<ExpiredElsewhere[]> {
  const expiredElsewhere: ExpiredElsewhere[] = [];
  for (const line of lines) {
    // Issue 13: a HIDDEN drop's board publishes its commitment at its start. The jobs app's sweep does it
    // within a minute; should a buyer come first, the epoch is opened here, under the board lock, before the
    // buyer's line is logged into it. This is the one lazy path, and it is sound because nothing of the
    // board could be bought before its start (priceLines refused it), so a commitment written now, in this
    // transaction, is still published before any ticket. Announced boards committed when announced.
    if (line.productType === 'kuji' && hiddenDrops.has(line.productId)) {
      if (!(await openEpochOf(tx, line.productId))) {
        await lockKujiBoard(tx, line.productId);
        await syncKujiBoard(tx, deps, line.productId);
      }
    }
    // Issue 12: a kuji board is sold only from an open epoch whose commitment is already published (it is
    // opened when the board goes on sale); a board without one cannot be sold.
    if (line.productType === 'kuji' && !(await openEpochOf(tx, line.productId))) {
      throw new DomainError(
        'PRODUCT_UNAVAILABLE',
        `${line.name} has not published its fairness commitment yet and cannot be sold`,
        { productId: line.productId },
      );
    }
    if (await reserveStock(tx, line.productId, line.quantity)) continue;
    const freed = await releaseExpiredReservationsOfProduct(tx, line.productId, now);
    expiredElsewhere.push(...freed.expiredOrders);
    if (freed.units > 0 && (await reserveStock(tx, line.productId, line.quantity))) continue;
    throw new DomainError('OUT_OF_STOCK', `Not enough stock for ${line.name}`, {
      productId: line.productId,
      requested: line.quantity,
    });
  }
  return expiredElsewhere;
}

/**
 * B3 steps 6–11 in the caller's transaction: validate and price the cart from the current rows, write the
 * pending order, then hold the stock (guarded updates last).
 */
export async function placePendingOrder(
  deps: Pick<Deps, 'clock' | 'random' | 'beacon'>,
  tx: Tx,
  checkout: NormalisedCheckout,
  ids: { orderId: string; idempotencyKey: string },
  shipping: ShippingSettings,
): Promise<PlacedOrder> {
  const now = deps.clock.now();
  const rows = await loadProducts(
    tx,
    checkout.lines.map((l) => l.productId),
  );
  const lines = priceLines(checkout.lines, rows, now);
  const hiddenDrops = new Set(rows.filter((r) => r.preSaleVisibility === 'hidden').map((r) => r.id));
  // Issue 13: purchase caps, under per-(product, email) locks taken before any stock row (lock order).
  await assertBuyerCaps(
    tx,
    now,
    rows.map((r) => ({
      productId: r.id,
      name: r.name,
      maxPerOrder: r.maxPerOrder,
      maxPerBuyer: r.maxPerBuyer,
      salesStartAt: r.salesStartAt,
    })),
    checkout,
  );
  const subtotalCents = lines.reduce((s, l) => s + l.unitPriceCents * l.quantity, 0);
  const shippingCents = shippingCentsFor(shipping, subtotalCents);
  const order: PendingOrder = {
    orderId: ids.orderId,
    publicId: generatePublicId(deps.random),
    subtotalCents,
    shippingCents,
    totalCents: subtotalCents + shippingCents,
  };
  const reservationExpiresAt = new Date(now.getTime() + RESERVATION_TTL_MS);
  await insertPendingOrder(tx, order, checkout, lines, ids.idempotencyKey, reservationExpiresAt);
  const expiredElsewhere = await holdStock(tx, deps, lines, hiddenDrops, now);
  return { ...order, lines, reservationExpiresAt, expiredElsewhere };
}
