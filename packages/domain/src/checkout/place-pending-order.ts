import { asc, eq, inArray } from 'drizzle-orm';
import {
  inventoryReservations,
  isUniqueViolation,
  orderItems,
  orders,
  payments,
  productInventory,
  products,
  type Tx,
} from '@popbox/db';
import type { Deps } from '../shared/deps.js';
import { CURRENCY, RESERVATION_TTL_MS } from '../shared/constants.js';
import { DomainError } from '../shared/errors.js';
import { generatePublicId } from '../orders/public-id.js';
import { reserveStock } from '../inventory/stock.queries.js';
import {
  releaseExpiredReservationsOfProduct,
  type ExpiredElsewhere,
} from '../inventory/reservations.queries.js';
import type { NormalisedCheckout } from './cart.rules.js';
import { shippingFor, type ShippingSettings } from './shipping.rules.js';

export interface PlacedLine {
  productId: string;
  name: string;
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
      inventoryProductId: productInventory.productId,
    })
    .from(products)
    .leftJoin(productInventory, eq(productInventory.productId, products.id))
    .where(inArray(products.id, ids))
    .orderBy(asc(products.id))
    .for('share', { of: products });
}

/**
 * B3 steps 6–11 in the caller's transaction: validate the cart against the current rows, write the pending
 * order (no customer yet, F2), its items, reservations and pending payment, and hold the stock with the
 * guarded updates LAST, in product-id order. F16: when a product looks short, its expired-but-unswept
 * reservations are released first, then the guarded update is tried once more.
 */
export async function placePendingOrder(
  deps: Pick<Deps, 'clock' | 'random'>,
  tx: Tx,
  checkout: NormalisedCheckout,
  idempotencyKey: string,
  shipping: ShippingSettings,
): Promise<PlacedOrder> {
  const now = deps.clock.now();
  const rows = await loadProducts(
    tx,
    checkout.lines.map((l) => l.productId),
  );
  const byId = new Map(rows.map((r) => [r.id, r]));

  const lines: PlacedLine[] = [];
  for (const line of checkout.lines) {
    const product = byId.get(line.productId);
    if (!product || !product.inventoryProductId) {
      throw new DomainError('NOT_FOUND', `Product ${line.productId} not found`, {
        productId: line.productId,
      });
    }
    if (product.productType === 'kuji') {
      throw new DomainError('KUJI_NOT_YET_SUPPORTED', 'Kuji draws cannot be bought yet', {
        productId: product.id,
      });
    }
    if (product.status !== 'active') {
      throw new DomainError('PRODUCT_UNAVAILABLE', `${product.name} is not available`, {
        productId: product.id,
      });
    }
    lines.push({
      productId: product.id,
      name: product.name,
      description: product.description,
      unitPriceCents: product.priceCents,
      quantity: line.quantity,
    });
  }

  const subtotalCents = lines.reduce((s, l) => s + l.unitPriceCents * l.quantity, 0);
  const shippingCents = shippingFor(subtotalCents, shipping);
  const totalCents = subtotalCents + shippingCents;
  const orderId = deps.random.uuid();
  const publicId = generatePublicId(deps.random);

  try {
    await tx.insert(orders).values({
      id: orderId,
      publicId,
      status: 'pending_payment',
      currency: CURRENCY,
      subtotalCents,
      taxCents: 0,
      shippingCents,
      totalCents,
      checkoutIdempotencyKey: idempotencyKey,
      checkoutEmail: checkout.email,
      checkoutName: checkout.name,
    });
  } catch (error) {
    if (isUniqueViolation(error)?.constraint === 'orders_checkout_idempotency_key_key') {
      throw new DomainError(
        'CHECKOUT_NOT_REUSABLE',
        'This Idempotency-Key already belongs to another checkout; use a new key',
      );
    }
    throw error;
  }
  await tx.insert(orderItems).values(
    lines.map((l) => ({
      orderId,
      productId: l.productId,
      productName: l.name,
      productType: 'standard' as const,
      unitPriceCents: l.unitPriceCents,
      quantity: l.quantity,
      lineTotalCents: l.unitPriceCents * l.quantity,
      metadata: { slug: byId.get(l.productId)!.slug, description: l.description },
    })),
  );
  const expiresAt = new Date(now.getTime() + RESERVATION_TTL_MS);
  await tx
    .insert(inventoryReservations)
    .values(lines.map((l) => ({ orderId, productId: l.productId, quantity: l.quantity, expiresAt })));
  await tx
    .insert(payments)
    .values({ orderId, amountCents: totalCents, currency: CURRENCY, status: 'pending' });

  const expiredElsewhere: ExpiredElsewhere[] = [];
  for (const line of lines) {
    if (await reserveStock(tx, line.productId, line.quantity)) continue;
    const freed = await releaseExpiredReservationsOfProduct(tx, line.productId, now);
    expiredElsewhere.push(...freed.expiredOrders);
    if (freed.units > 0 && (await reserveStock(tx, line.productId, line.quantity))) continue;
    throw new DomainError('OUT_OF_STOCK', `Not enough stock for ${line.name}`, {
      productId: line.productId,
      requested: line.quantity,
    });
  }
  return { orderId, publicId, subtotalCents, shippingCents, totalCents, lines, expiredElsewhere };
}
