import { sql, type SQL } from 'drizzle-orm';
import { isUniqueViolation, type Tx } from '@popbox/db';
import { rows } from '../shared/sql.js';
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
import { capsOf, type CartProduct } from './checkout-claim.queries.js';

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

export interface PendingOrder {
  orderId: string;
  publicId: string;
  subtotalCents: number;
  shippingCents: number;
  totalCents: number;
  /** End of the stock hold (B3: 10 minutes). */
  reservationExpiresAt: Date;
}

/** B3 step 9: what a priced cart becomes: totals with shipping, a public id, the end of its hold. */
export function pendingOrderFor(
  deps: Pick<Deps, 'random'>,
  orderId: string,
  lines: PlacedLine[],
  shipping: ShippingSettings,
  now: Date,
): PendingOrder {
  const subtotalCents = lines.reduce((s, l) => s + l.unitPriceCents * l.quantity, 0);
  const shippingCents = shippingCentsFor(shipping, subtotalCents);
  return {
    orderId,
    publicId: generatePublicId(deps.random),
    subtotalCents,
    shippingCents,
    totalCents: subtotalCents + shippingCents,
    reservationExpiresAt: new Date(now.getTime() + RESERVATION_TTL_MS),
  };
}

/**
 * The pending order's rows as `checkout_place_pending_order` takes them (and `checkout_place_at_once` after its
 * own arguments): the order, then one array per line column, in the cart's (product id) order.
 */
export function pendingOrderArgs(
  order: PendingOrder,
  checkout: NormalisedCheckout,
  lines: PlacedLine[],
  idempotencyKey: string,
): SQL {
  // A JS array bound as ONE parameter (drizzle would otherwise expand it into a list).
  const column = <T>(pick: (l: PlacedLine) => T) => sql.param(lines.map(pick));
  return sql`${order.orderId}::uuid, ${order.publicId}, ${CURRENCY}, ${order.subtotalCents}::int,
    ${order.shippingCents}::int, ${order.totalCents}::int, ${idempotencyKey}, ${checkout.email}::text,
    ${checkout.name}::text, ${emailKey(checkout.email)}::text,
    ${column((l) => l.productId)}::uuid[], ${column((l) => l.name)}::text[],
    ${column((l) => l.productType)}::product_type[], ${column((l) => l.unitPriceCents)}::int[],
    ${column((l) => l.quantity)}::int[], ${column((l) => l.slug)}::text[],
    ${column((l) => l.description)}::text[], ${order.reservationExpiresAt.toISOString()}::timestamptz`;
}

/** A second use of a key another checkout's order already holds (F3). */
export function rethrowKeyOfAnotherOrder(error: unknown): never {
  if (isUniqueViolation(error)?.constraint === 'orders_checkout_idempotency_key_key') {
    throw new DomainError(
      'CHECKOUT_NOT_REUSABLE',
      'This Idempotency-Key already belongs to another checkout; use a new key',
    );
  }
  throw error;
}

/**
 * B3 steps 10–11: order (no customer, F2), items with snapshots, one reservation per line, pending payment, and
 * then the stock, taken by the guarded updates LAST, in the cart's (product id) order — one call of
 * `checkout_place_pending_order` (migration 0009; issue 14: these were five round trips, each costing the
 * database more to receive and run than the write itself; the function's plans are kept). Returns 0 when every
 * line is held, else the 1-based position of the first short line (nothing after it was tried).
 */
async function insertPendingOrderAndHold(
  tx: Tx,
  order: PendingOrder,
  checkout: NormalisedCheckout,
  lines: PlacedLine[],
  idempotencyKey: string,
): Promise<number> {
  try {
    const [row] = await rows<{ short_at: number }>(
      tx,
      sql`select public.checkout_place_pending_order(${pendingOrderArgs(order, checkout, lines, idempotencyKey)}) as short_at`,
    );
    return row!.short_at;
  } catch (error) {
    rethrowKeyOfAnotherOrder(error);
  }
}

/**
 * Issue 12/13: every kuji line's board must have an open epoch whose commitment is published before a ticket can
 * be held; checked for all kuji lines before the order is written (an ordinary cart costs no query here).
 */
async function assertKujiBoardsSellable(
  tx: Tx,
  deps: Pick<Deps, 'clock' | 'random' | 'beacon'>,
  lines: PlacedLine[],
  hiddenDrops: Set<string>,
): Promise<void> {
  for (const line of lines) {
    if (line.productType !== 'kuji') continue;
    // Issue 13: a HIDDEN drop's board publishes its commitment at its start. The jobs app's sweep does it
    // within a minute; should a buyer come first, the epoch is opened here, under the board lock, before the
    // buyer's line is logged into it. This is the one lazy path, and it is sound because nothing of the
    // board could be bought before its start (priceLines refused it), so a commitment written now, in this
    // transaction, is still published before any ticket. Announced boards committed when announced.
    if (hiddenDrops.has(line.productId) && !(await openEpochOf(tx, line.productId))) {
      await lockKujiBoard(tx, line.productId);
      await syncKujiBoard(tx, deps, line.productId);
    }
    // Issue 12: a kuji board is sold only from an open epoch whose commitment is already published (it is
    // opened when the board goes on sale); a board without one cannot be sold.
    if (!(await openEpochOf(tx, line.productId))) {
      throw new DomainError(
        'PRODUCT_UNAVAILABLE',
        `${line.name} has not published its fairness commitment yet and cannot be sold`,
        { productId: line.productId },
      );
    }
  }
}

/**
 * The lines from the first short one on (rare: only when a line looked short), one guarded update each, still
 * last and in product-id order. F16: a product that looks short first gets its expired-but-unswept
 * reservations released, then one more try.
 */
async function holdRemainingStock(tx: Tx, lines: PlacedLine[], now: Date): Promise<ExpiredElsewhere[]> {
  const expiredElsewhere: ExpiredElsewhere[] = [];
  for (const [index, line] of lines.entries()) {
    // The first line was just tried by the order's own statement.
    if (index > 0 && (await reserveStock(tx, line.productId, line.quantity))) continue;
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
 * B3 steps 6–11 in the caller's transaction, after the key was claimed and the cart's products share-locked
 * (`claimCheckout`): validate and price the cart from those rows, check the caps, write the pending order, then
 * hold the stock (guarded updates last).
 */
export async function placePendingOrder(
  deps: Pick<Deps, 'clock' | 'random' | 'beacon'>,
  tx: Tx,
  checkout: NormalisedCheckout,
  ids: { orderId: string; idempotencyKey: string },
  shipping: ShippingSettings,
  products: CartProduct[],
): Promise<PlacedOrder> {
  const now = deps.clock.now();
  const lines = priceLines(checkout.lines, products, now);
  const hiddenDrops = new Set(products.filter((r) => r.preSaleVisibility === 'hidden').map((r) => r.id));
  // Issue 13: purchase caps, under per-(product, email) locks taken before any stock row (lock order).
  await assertBuyerCaps(tx, now, products.map(capsOf), checkout);
  await assertKujiBoardsSellable(tx, deps, lines, hiddenDrops);
  const order = pendingOrderFor(deps, ids.orderId, lines, shipping, now);
  const shortAt = await insertPendingOrderAndHold(tx, order, checkout, lines, ids.idempotencyKey);
  const expiredElsewhere = shortAt === 0 ? [] : await holdRemainingStock(tx, lines.slice(shortAt - 1), now);
  return { ...order, lines, expiredElsewhere };
}
