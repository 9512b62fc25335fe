import { and, eq, isNull } from 'drizzle-orm';
import { orders, payments, type Tx } from '@popbox/db';
import type { Deps } from '../shared/deps.js';
import { ASYNC_PAYMENT_HOLD_MS } from '../shared/constants.js';
import type { CheckoutSession } from '../ports/payments.js';
import { assertOrderTransition } from '../orders/order.state.js';
import { extendReservations, releaseOrderReservations } from '../inventory/reservations.queries.js';
import { assertPaymentTransition } from './payment.state.js';
import { lockOrder, orderIdOf } from './finalise-payment.js';

/**
 * F4: checkout completed but the money has not arrived (delayed payment method). The order stays pending
 * and its stock stays held until the provider says succeeded or failed.
 */
export async function holdForDelayedPayment(
  deps: Pick<Deps, 'clock'>,
  tx: Tx,
  session: CheckoutSession,
): Promise<void> {
  const order = await lockOrder(tx, orderIdOf(session));
  if (order.status !== 'pending_payment') return;
  await extendReservations(tx, order.id, new Date(deps.clock.now().getTime() + ASYNC_PAYMENT_HOLD_MS));
  if (session.paymentIntentId) {
    await tx
      .update(payments)
      .set({ providerPaymentIntentId: session.paymentIntentId })
      .where(and(eq(payments.orderId, order.id), isNull(payments.providerPaymentIntentId)));
  }
}

/** F4: the delayed payment failed — stock back (`released`), order cancelled, payment failed. */
export async function failDelayedPayment(
  deps: Pick<Deps, 'clock'>,
  tx: Tx,
  session: CheckoutSession,
): Promise<void> {
  if (session.paymentStatus === 'paid') return; // the provider's current view wins over the event
  const order = await lockOrder(tx, orderIdOf(session));
  if (order.status === 'pending_payment') {
    await releaseOrderReservations(tx, order.id, 'released');
    assertOrderTransition(order.status, 'cancelled');
    await tx
      .update(orders)
      .set({ status: 'cancelled', cancelledAt: deps.clock.now() })
      .where(eq(orders.id, order.id));
  }
  const [payment] = await tx.select().from(payments).where(eq(payments.orderId, order.id)).for('update');
  if (payment?.status === 'pending') {
    assertPaymentTransition(payment.status, 'failed');
    await tx.update(payments).set({ status: 'failed' }).where(eq(payments.id, payment.id));
  }
}

/** B5: the session expired — stock back (`expired`), order `expired` only if it was still pending. */
export async function expireOrderForSession(
  deps: Pick<Deps, 'clock'>,
  tx: Tx,
  session: CheckoutSession,
): Promise<void> {
  if (session.status !== 'expired' || !session.metadata.orderId) return;
  const order = await lockOrder(tx, session.metadata.orderId);
  if (order.status !== 'pending_payment') return;
  await releaseOrderReservations(tx, order.id, 'expired');
  assertOrderTransition(order.status, 'expired');
  await tx
    .update(orders)
    .set({ status: 'expired', expiredAt: deps.clock.now() })
    .where(eq(orders.id, order.id));
}
