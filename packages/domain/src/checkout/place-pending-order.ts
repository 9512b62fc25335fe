import { sql } from 'drizzle-orm';
import { isUniqueViolation, type products, type Tx } from '@popbox/db';
import { rows, uuidArray } from '../shared/sql.js';
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

type ProductRow = typeof products.$inferSelect;

/** A cart product as checkout prices and validates it. */
export interface CartProduct extends Pick<
  ProductRow,
  | 'id'
  | 'name'
  | 'slug'
  | 'description'
  | 'status'
  | 'productType'
  | 'priceCents'
  | 'salesStartAt'
  | 'salesEndAt'
  | 'preSaleVisibility'
  | 'maxPerOrder'
  | 'maxPerBuyer'
> {
  /** Set when the product has an inventory row (every sellable product has one). */
  inventoryProductId: string | null;
}

interface CartProductRow extends Record<string, unknown> {
  id: string;
  name: string;
  slug: string;
  description: string | null;
  status: ProductRow['status'];
  product_type: ProductRow['productType'];
  price_cents: number;
  sales_start_at: string | null;
  sales_end_at: string | null;
  pre_sale_visibility: ProductRow['preSaleVisibility'];
  max_per_order: number | null;
  max_per_buyer: number | null;
  has_inventory: boolean;
}

/**
 * The cart's products, FOR SHARE OF products (prices and status are read from rows no admin edit can change
 * under us, security rule 3; share locks never make two checkouts wait for each other), in id order, through
 * `checkout_products_for_share` (migration 0006: its plan is kept; planning this join over a dozen indexes
 * cost more than running it).
 */
async function loadProducts(tx: Tx, ids: string[]): Promise<CartProduct[]> {
  const found = await rows<CartProductRow>(
    tx,
    sql`select * from public.checkout_products_for_share(${uuidArray(ids)})`,
  );
  return found.map((r) => ({
    id: r.id,
    name: r.name,
    slug: r.slug,
    description: r.description,
    status: r.status,
    productType: r.product_type,
    priceCents: r.price_cents,
    salesStartAt: r.sales_start_at === null ? null : new Date(r.sales_start_at),
    salesEndAt: r.sales_end_at === null ? null : new Date(r.sales_end_at),
    preSaleVisibility: r.pre_sale_visibility,
    maxPerOrder: r.max_per_order,
    maxPerBuyer: r.max_per_buyer,
    inventoryProductId: r.has_inventory ? r.id : null,
  }));
}

/**
 * B3 steps 7–8: every line must name an existing, active product with an inventory row (kuji: on_hand =
 * undealt cards), inside its sale window at `now` (issue 13: 409 NOT_ON_SALE_YET / SALE_ENDED; a hidden drop
 * before its start is NOT_FOUND, as everywhere public).
 */
export function priceLines(lines: NormalisedCheckout['lines'], rows: CartProduct[], now: Date): PlacedLine[] {
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
 * one call of `checkout_insert_pending_order` (migration 0006; issue 14: four inserts were four round trips,
 * each costing the database more to receive, parse and plan than to run; the function's plans are kept).
 */
async function insertPendingOrder(
  tx: Tx,
  order: PendingOrder,
  checkout: NormalisedCheckout,
  lines: PlacedLine[],
  idempotencyKey: string,
  reservationExpiresAt: Date,
): Promise<void> {
  // A JS array bound as ONE parameter (drizzle would otherwise expand it into a list).
  const column = <T>(pick: (l: PlacedLine) => T) => sql.param(lines.map(pick));
  try {
    await rows(
      tx,
      sql`select public.checkout_insert_pending_order(
        ${order.orderId}::uuid, ${order.publicId}, ${CURRENCY}, ${order.subtotalCents}::int,
        ${order.shippingCents}::int, ${order.totalCents}::int, ${idempotencyKey}, ${checkout.email}::text,
        ${checkout.name}::text, ${emailKey(checkout.email)}::text,
        ${column((l) => l.productId)}::uuid[], ${column((l) => l.name)}::text[],
        ${column((l) => l.productType)}::product_type[], ${column((l) => l.unitPriceCents)}::int[],
        ${column((l) => l.quantity)}::int[], ${column((l) => l.slug)}::text[],
        ${column((l) => l.description)}::text[], ${reservationExpiresAt.toISOString()}::timestamptz)`,
    );
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
