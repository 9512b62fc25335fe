import { eq } from 'drizzle-orm';
import { orders, paymentRefunds, payments } from '@popbox/db';
import type { Deps } from '../shared/deps.js';
import { orderActionLock, transactionLock } from '../shared/locks.js';
import type { ProviderRefund } from '../ports/payments.js';
import { recordAudit, type AdminActor } from '../audit/record-audit.js';
import { assertOrderTransition } from '../orders/order.state.js';
import { lockOrder } from '../payments/finalise-payment.js';
import { abandonIdempotencyKey, completeIdempotencyKey } from '../checkout/idempotency.queries.js';
import { getAdminOrderDetail } from '../order-admin/admin-order-detail.js';
import { countsTowardRefunded, DEFAULT_VOID_REASON } from './refund.rules.js';
import { assertRefundable, type RefundPlan } from './plan-refund.js';
import { applyProviderRefunds } from './apply-provider-refunds.js';

type RecordDeps = Pick<Deps, 'db' | 'clock' | 'logger' | 'config' | 'storage'>;
type CreatePlan = Extract<RefundPlan, { kind: 'create' }>;

/**
 * Phase 2 of a refund, after the provider answered: under the order action lock (waited for, never refused)
 * and row lock, re-check the preconditions (unless a webhook already recorded this very refund), record the
 * refund, sync the aggregate, email a succeeded refund, audit, and store the response for the key (F3) — or
 * free the key when the provider refused the refund. Returns the admin order detail.
 */
export async function recordRefund(
  deps: RecordDeps,
  actor: AdminActor,
  plan: CreatePlan,
  refund: ProviderRefund,
  claimId: string,
  reason: string | null,
) {
  return deps.db.transaction(async (tx) => {
    await transactionLock(tx, orderActionLock(plan.orderId));
    const order = await lockOrder(tx, plan.orderId);
    const [payment] = await tx.select().from(payments).where(eq(payments.id, plan.paymentId));
    const refunds = await tx
      .select()
      .from(paymentRefunds)
      .where(eq(paymentRefunds.paymentId, plan.paymentId));
    if (countsTowardRefunded(refund.status) && !refunds.some((r) => r.providerRefundId === refund.id)) {
      await assertRefundable(tx, order, payment!, refunds, refund.amountCents, plan.forceKujiReason !== null);
    }
    const applied = await applyProviderRefunds(deps, tx, {
      paymentIntentId: plan.paymentIntentId,
      refunds: [refund],
      voidReason: reason ?? DEFAULT_VOID_REASON,
    });
    const [after] = await tx.select({ status: orders.status }).from(orders).where(eq(orders.id, order.id));
    await recordAudit(tx, actor, {
      action: 'order.refund',
      entityType: 'order',
      entityId: order.id,
      before: { status: order.status, refundedAmountCents: payment!.refundedAmountCents },
      after: {
        status: after!.status,
        refundedAmountCents: applied?.aggregate?.refundedCents ?? payment!.refundedAmountCents,
        refund: {
          providerRefundId: refund.id,
          amountCents: refund.amountCents,
          status: refund.status,
          reason,
        },
        ...(plan.forceKujiReason !== null
          ? { forcedKujiRefund: { forced: true, reason: plan.forceKujiReason } }
          : {}),
      },
    });
    const detail = await getAdminOrderDetail(deps, order.id, tx);
    if (countsTowardRefunded(refund.status)) {
      await completeIdempotencyKey(tx, claimId, {
        status: 200,
        body: detail,
        resourceId: order.id,
        now: deps.clock.now(),
      });
    } else {
      await abandonIdempotencyKey(tx, claimId);
    }
    return detail;
  });
}

/**
 * B14 step 6: the provider refunded but the local bookkeeping failed. The order is parked in
 * `paid_needs_attention` (from any status) so a person reconciles it; if even that fails, it is logged.
 */
export async function parkAfterRefundFailure(
  deps: Pick<Deps, 'db' | 'logger'>,
  actor: AdminActor,
  orderId: string,
  refund: ProviderRefund,
  cause: unknown,
): Promise<void> {
  deps.logger.error(
    { err: cause, orderId, providerRefundId: refund.id },
    'refund succeeded at the provider but could not be recorded; parking the order',
  );
  try {
    await deps.db.transaction(async (tx) => {
      await transactionLock(tx, orderActionLock(orderId));
      const order = await lockOrder(tx, orderId);
      if (order.status !== 'paid_needs_attention') {
        assertOrderTransition(order.status, 'paid_needs_attention');
      }
      const reason = `refund_bookkeeping_failed: refund ${refund.id} succeeded at the provider; reconcile the refunds`;
      await tx
        .update(orders)
        .set({
          status: 'paid_needs_attention',
          attentionReason: order.attentionReason ? `${order.attentionReason}; ${reason}` : reason,
        })
        .where(eq(orders.id, orderId));
      await recordAudit(tx, actor, {
        action: 'order.refund_parked',
        entityType: 'order',
        entityId: orderId,
        before: { status: order.status },
        after: { status: 'paid_needs_attention', providerRefundId: refund.id },
      });
    });
  } catch (err) {
    deps.logger.error({ err, orderId }, 'could not park the order after a refund bookkeeping failure');
  }
}
