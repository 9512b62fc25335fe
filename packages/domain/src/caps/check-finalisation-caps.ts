import { and, asc, eq, sql } from 'drizzle-orm';
import { orderItems, orders, products, type Tx } from '@popbox/db';
import type { CheckoutSession } from '../ports/payments.js';
import type { AttentionProblem, SessionFacts } from '../payments/finalisation.rules.js';
import { addressKey, emailKey } from './buyer-keys.rules.js';
import {
  buyerCapViolation,
  capWindowStart,
  describeViolation,
  orderCapViolation,
  type BuyerKeyKind,
  type CapViolation,
  type ProductCaps,
} from './caps.rules.js';
import { capLockName, countBuyerUnits, takeCapLocks } from './caps.queries.js';

export interface BuyerKeys {
  email: string | null;
  card: string | null;
  address: string | null;
}

/** The identity Stripe collected, as cap keys (the checkout email only when Stripe has none). */
export function buyerKeysOf(
  facts: SessionFacts,
  session: CheckoutSession,
  checkoutEmailKey: string | null,
): BuyerKeys {
  return {
    email: emailKey(facts.customer.email) ?? checkoutEmailKey,
    card: session.cardFingerprint?.trim() || null,
    address: addressKey(facts.shippingAddress),
  };
}

/**
 * Issue 13, in the finalising transaction right after the order row is locked (before the customer and the
 * stock): the buyer's keys are stored on the order, then every capped line is checked — per order, and per
 * buyer by normalised email, card fingerprint and normalised shipping address, each under its
 * (product, key) advisory lock held to commit, counting the units of OTHER paid/packed/shipped orders with
 * the same key. A racing finalisation of the same buyer waits and then sees this one. Returns the
 * `purchase_limit` problems (empty: within every cap).
 */
export async function purchaseLimitProblems(
  tx: Tx,
  orderId: string,
  keys: BuyerKeys,
): Promise<{ problems: AttentionProblem[]; violations: CapViolation[] }> {
  await tx
    .update(orders)
    .set({
      buyerEmailKey: keys.email,
      buyerCardFingerprint: keys.card,
      buyerAddressKey: keys.address,
    })
    .where(eq(orders.id, orderId));
  const lines = await tx
    .select({
      productId: orderItems.productId,
      name: products.name,
      maxPerOrder: products.maxPerOrder,
      maxPerBuyer: products.maxPerBuyer,
      salesStartAt: products.salesStartAt,
      quantity: sql<number>`sum(${orderItems.quantity})::int`,
    })
    .from(orderItems)
    .innerJoin(products, eq(products.id, orderItems.productId))
    .where(
      and(
        eq(orderItems.orderId, orderId),
        sql`(${products.maxPerOrder} is not null or ${products.maxPerBuyer} is not null)`,
      ),
    )
    .groupBy(orderItems.productId, products.id)
    .orderBy(asc(orderItems.productId));
  if (!lines.length) return { problems: [], violations: [] };

  const present = (Object.entries(keys) as [BuyerKeyKind, string | null][]).filter(
    (e): e is [BuyerKeyKind, string] => Boolean(e[1]),
  );
  await takeCapLocks(
    tx,
    lines
      .filter((l) => l.maxPerBuyer != null)
      .flatMap((l) => present.map(([kind, key]) => capLockName(l.productId, kind, key))),
  );
  const violations: CapViolation[] = [];
  for (const line of lines) {
    const caps: ProductCaps = line;
    const perOrder = orderCapViolation(caps, line.quantity);
    if (perOrder) violations.push(perOrder);
    if (caps.maxPerBuyer == null) continue;
    let worst: CapViolation | null = null;
    for (const [kind, key] of present) {
      const already = await countBuyerUnits(tx, {
        productId: line.productId,
        kind,
        key,
        since: capWindowStart(caps),
        excludeOrderId: orderId,
        includeHeld: null,
      });
      const v = buyerCapViolation(caps, line.quantity, already, kind);
      if (v && (!worst || v.alreadyCounted > worst.alreadyCounted)) worst = v;
    }
    if (worst) violations.push(worst);
  }
  return {
    problems: violations.map((v) => ({ code: 'purchase_limit' as const, detail: describeViolation(v) })),
    violations,
  };
}
