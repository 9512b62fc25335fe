import { eq } from 'drizzle-orm';
import { orders, type Tx } from '@popbox/db';
import type { Deps } from '../shared/deps.js';
import { DomainError } from '../shared/errors.js';
import type { CheckoutSession } from '../ports/payments.js';
import { isFinalisedOrderStatus } from '../orders/order.state.js';
import { releaseOrderReservations, type ReleasedAs } from '../inventory/reservations.queries.js';
import {
  deriveSessionFacts,
  formatAttentionReason,
  safetyProblems,
  type AttentionProblem,
  type SessionFacts,
} from './finalisation.rules.js';
import { recordPayment, upsertCustomer } from './record-payment.queries.js';
import { StockShortage, takeOrderStockAndClaim } from './take-order-stock.js';
import { enqueueAttentionAlert, enqueuePaidOrderEmails, enqueuePurchaseLimitEmail } from './order-emails.js';
import { buyerKeysOf, purchaseLimitProblems } from '../caps/check-finalisation-caps.js';
import { readPurchaseLimitSettings } from '../caps/purchase-limit-settings.js';

export type FinalisationOutcome =
  | { orderId: string; outcome: 'paid'; late: boolean }
  | {
      orderId: string;
      outcome: 'needs_attention';
      reason: string;
      /** Issue 13: parked for a broken purchase cap and the shop refunds those automatically. */
      autoRefund?: boolean;
    }
  | { orderId: string; outcome: 'already_finalised' };

type OrderRow = typeof orders.$inferSelect;

export function orderIdOf(session: CheckoutSession): string {
  const orderId = session.metadata.orderId;
  if (!orderId) {
    throw new DomainError('BAD_REQUEST', 'The payment session carries no order id', {
      sessionId: session.id,
    });
  }
  return orderId;
}

export async function lockOrder(tx: Tx, orderId: string): Promise<OrderRow> {
  const [order] = /^[0-9a-f-]{36}$/i.test(orderId)
    ? await tx.select().from(orders).where(eq(orders.id, orderId)).for('update')
    : [];
  if (!order) throw new DomainError('NOT_FOUND', 'Order not found', { orderId });
  return order;
}

/**
 * B6–B9 with F2, F4, F5, inside the webhook's transaction (the session was re-fetched from the provider
 * before it). Order row locked first, then the customer, then stock in product-id order. Safety checks or
 * stock that cannot be covered park the order in `paid_needs_attention` — the money is real, so that is a
 * business outcome, not an error.
 */
export async function finalisePayment(
  deps: Pick<Deps, 'clock' | 'config' | 'random' | 'beacon'>,
  tx: Tx,
  session: CheckoutSession,
): Promise<FinalisationOutcome> {
  const order = await lockOrder(tx, orderIdOf(session));
  if (isFinalisedOrderStatus(order.status)) return { orderId: order.id, outcome: 'already_finalised' };

  const facts = deriveSessionFacts(session);
  const problems = safetyProblems(order, session, facts);
  if (order.status === 'cancelled') {
    problems.push({
      code: 'order_cancelled',
      detail: 'the order had been cancelled before the payment arrived',
    });
  }
  // Issue 13: purchase caps by the identity Stripe collected (email, card, shipping address), under their
  // advisory locks, before the customer and the stock (lock order: order row, cap locks, customer, stock).
  const caps = await purchaseLimitProblems(tx, order.id, buyerKeysOf(facts, session, order.buyerEmailKey));
  problems.push(...caps.problems);
  // Customer before stock: a concurrent finalisation for the same new email waits here while holding only
  // its order row, never inventory rows (no lock cycle).
  const customerId = await upsertCustomer(tx, facts);
  if (problems.length || !customerId)
    return park(deps, tx, order, session, facts, customerId, problems, 'released');

  let late: boolean;
  try {
    ({ late } = await tx.transaction((savepoint) =>
      takeOrderStockAndClaim(savepoint, deps, order.id, customerId),
    ));
  } catch (error) {
    if (!(error instanceof StockShortage)) throw error;
    return park(deps, tx, order, session, facts, customerId, [error.problem], 'expired');
  }
  const now = deps.clock.now();
  await recordPayment(tx, order, session, facts, { status: 'paid', customerId, attentionReason: null, now });
  await enqueuePaidOrderEmails(deps, tx, order.id);
  return { orderId: order.id, outcome: 'paid', late };
}

/** B9 + F5: stock untouched, remaining holds released, order parked with its reason, shop alerted. */
async function park(
  deps: Pick<Deps, 'clock' | 'config'>,
  tx: Tx,
  order: OrderRow,
  session: CheckoutSession,
  facts: SessionFacts,
  customerId: string | null,
  problems: AttentionProblem[],
  releaseAs: ReleasedAs,
): Promise<FinalisationOutcome> {
  const reason = formatAttentionReason(problems);
  await releaseOrderReservations(tx, order.id, releaseAs);
  await recordPayment(tx, order, session, facts, {
    status: 'paid_needs_attention',
    customerId,
    attentionReason: reason,
    now: deps.clock.now(),
  });
  await enqueueAttentionAlert(deps, tx, order.id, reason);
  const overCap = problems.filter((p) => p.code === 'purchase_limit');
  if (overCap.length && (await readPurchaseLimitSettings(tx)).autoRefund) {
    // Issue 13: the buyer hears why in the same transaction; the refund itself runs after commit.
    await enqueuePurchaseLimitEmail(
      tx,
      order.id,
      overCap.map((p) => p.detail),
    );
    return { orderId: order.id, outcome: 'needs_attention', reason, autoRefund: true };
  }
  return { orderId: order.id, outcome: 'needs_attention', reason };
}
