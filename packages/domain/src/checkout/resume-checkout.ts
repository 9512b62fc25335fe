import { and, asc, eq } from 'drizzle-orm';
import { inventoryReservations, orderItems, orders } from '@popbox/db';
import type { Deps } from '../shared/deps.js';
import { STRIPE_SESSION_LIFETIME_MS } from '../shared/constants.js';
import { DomainError } from '../shared/errors.js';
import { openPaymentSession, type CheckoutSessionResult, type PayableOrder } from './open-payment-session.js';

/**
 * The provider session outlives the stock hold by the provider's minimum lifetime, counted from the END of
 * the hold: a retry resuming the checkout at any moment of the hold still sends an expiry the provider
 * accepts (at least 30 minutes ahead), and the same one as the first request (so its idempotency key
 * matches). The session is closed anyway as soon as the hold lapses (F6).
 */
export const sessionExpiryFor = (reservationExpiresAt: Date) =>
  new Date(reservationExpiresAt.getTime() + STRIPE_SESSION_LIFETIME_MS);

/**
 * F3 after a crash (issue 11 item 16): the key's order committed but the request never stored its answer
 * (it died before, during or after opening the payment session). The retry finishes the job at once: the
 * same provider request (same idempotency key, derived from the order) returns the session if it was opened
 * or opens it now, and the answer is stored for every later retry.
 */
export async function resumeCheckout(
  deps: Deps,
  claimId: string,
  orderId: string,
): Promise<CheckoutSessionResult> {
  const payable = await loadPayableOrder(deps, orderId);
  if (!payable) {
    throw new DomainError('CHECKOUT_NOT_REUSABLE', 'This checkout can no longer be paid; use a new key');
  }
  return openPaymentSession(deps, payable, claimId, 'resume');
}

async function loadPayableOrder(deps: Pick<Deps, 'db'>, orderId: string): Promise<PayableOrder | null> {
  const [order] = await deps.db.select().from(orders).where(eq(orders.id, orderId));
  if (order?.status !== 'pending_payment') return null;
  const [hold] = await deps.db
    .select({ expiresAt: inventoryReservations.expiresAt })
    .from(inventoryReservations)
    .where(and(eq(inventoryReservations.orderId, orderId), eq(inventoryReservations.status, 'active')))
    .orderBy(asc(inventoryReservations.expiresAt))
    .limit(1);
  if (!hold?.expiresAt) return null;
  const items = await deps.db
    .select()
    .from(orderItems)
    .where(eq(orderItems.orderId, orderId))
    .orderBy(asc(orderItems.productId));
  return {
    orderId,
    publicId: order.publicId,
    shippingCents: order.shippingCents,
    lines: items.map((i) => ({
      name: i.productName,
      description: i.metadata.description,
      unitPriceCents: i.unitPriceCents,
      quantity: i.quantity,
    })),
    email: order.checkoutEmail,
    name: order.checkoutName,
    sessionExpiresAt: sessionExpiryFor(hold.expiresAt),
  };
}
