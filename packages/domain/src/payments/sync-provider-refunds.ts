import { eq, sql } from 'drizzle-orm';
import { orders, paymentRefunds, payments, type Tx } from '@popbox/db';
import type { ProviderRefund } from '../ports/payments.js';

export function slimRefundSnapshot(refund: ProviderRefund): Record<string, unknown> {
  return {
    id: refund.id,
    status: refund.status,
    amount: refund.amountCents,
    currency: refund.currency.toUpperCase(),
    paymentIntentId: refund.paymentIntentId,
    chargeId: refund.chargeId,
    reason: refund.reason,
    metadata: refund.metadata,
    created: refund.created,
  };
}

/**
 * F4: refunds made anywhere (our admin, the Stripe dashboard) are recorded locally, upserted by provider
 * refund id so the same refund is never recorded twice. Only the rows: `applyProviderRefunds` (refunds/)
 * wraps this with the locks, the aggregate sync and the emails. Returns how many refunds were upserted.
 */
export async function upsertProviderRefunds(
  tx: Tx,
  paymentIntentId: string,
  refunds: ProviderRefund[],
): Promise<number> {
  const [payment] = await tx
    .select({ id: payments.id, orderId: payments.orderId })
    .from(payments)
    .where(eq(payments.providerPaymentIntentId, paymentIntentId));
  if (!payment) return 0;
  // The order row lock (taken first, like every per-order change) serialises refund upserts of one order:
  // two deliveries (charge.refunded and refund.updated) inserting the same refund at once would otherwise
  // collide on the idempotency-key unique index, which ON CONFLICT (provider_refund_id) does not arbitrate.
  await tx.select({ id: orders.id }).from(orders).where(eq(orders.id, payment.orderId)).for('update');
  for (const refund of refunds) {
    const values = {
      amountCents: refund.amountCents,
      currency: refund.currency.toUpperCase().slice(0, 3),
      status: refund.status || 'unknown',
      // Stripe's own reason (duplicate, fraudulent, requested_by_customer), else the admin's, sent as metadata.
      reason: refund.reason ?? refund.metadata.reason ?? null,
      providerCreatedAt: new Date(refund.created * 1000),
      rawResponse: slimRefundSnapshot(refund),
    };
    await tx
      .insert(paymentRefunds)
      .values({
        paymentId: payment.id,
        orderId: payment.orderId,
        providerRefundId: refund.id,
        idempotencyKey: refund.metadata.idempotencyKey ?? null,
        ...values,
      })
      .onConflictDoUpdate({
        target: paymentRefunds.providerRefundId,
        set: {
          ...values,
          idempotencyKey: sql`coalesce(${paymentRefunds.idempotencyKey}, excluded.idempotency_key)`,
        },
      });
  }
  return refunds.length;
}
