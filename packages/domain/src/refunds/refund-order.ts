import type { Deps } from '../shared/deps.js';
import { DomainError } from '../shared/errors.js';
import type { ProviderRefund } from '../ports/payments.js';
import type { AdminActor } from '../audit/record-audit.js';
import { parseIdempotencyKey } from '../checkout/cart.rules.js';
import {
  abandonIdempotencyKey,
  claimIdempotencyKey,
  completeIdempotencyKey,
} from '../checkout/idempotency.queries.js';
import { getAdminOrderDetail, type AdminOrderDetail } from '../order-admin/admin-order-detail.js';
import { countsTowardRefunded, refundFingerprint } from './refund.rules.js';
import { FORCE_KUJI_METADATA_KEY } from './refundable.rules.js';
import { REFUND_SCOPE } from './refund-intents.queries.js';
import { REFUND_KEY_LEASE_MS } from '../shared/constants.js';
import { holdRefundKey } from './hold-refund-key.js';
import { planRefund, type RefundPlan } from './plan-refund.js';
import { parkAfterRefundFailure, recordRefund } from './record-refund.js';

type RefundDeps = Pick<Deps, 'db' | 'clock' | 'logger' | 'config' | 'storage' | 'payments'>;

export interface RefundOrderInput {
  id: string;
  amountCents?: number | undefined;
  reason?: string | null | undefined;
  /** Issue 12: refund drawn kuji lines too (audited; their dealt tickets are voided once it succeeds). */
  forceKujiRefund?: { reason: string } | undefined;
}

/**
 * B14 refund with F3 and F9. No transaction is open during the provider call:
 * 1. the Idempotency-Key is claimed (committed `in_progress`): the same key again replays the stored answer,
 *    or 409 + Retry-After while the first is still running; the same key with another request → 422. The
 *    request renews the claim's lease while it runs (`holdRefundKey`): after a crash a retry takes the key
 *    over, and finishes or replays the refund, once the lease ran out (REFUND_KEY_LEASE_MS), not minutes;
 * 2. phase 1 (short transaction under the order action lock): preconditions, amount, and the key marked as
 *    the order's refund in flight, so a second refund of the order waits its turn (409 busy);
 * 3. the provider refund, keyed by a key derived from the Idempotency-Key: a retry can only get it back;
 * 4. phase 2 (transaction under the lock): recorded with the aggregate sync, email on success, response kept.
 * A provider failure frees the key (502); a bookkeeping failure after the provider refunded parks the order
 * in `paid_needs_attention` and answers 502; a refund the provider reports failed is recorded and answers 502.
 */
export async function refundOrder(
  deps: RefundDeps,
  actor: AdminActor,
  input: RefundOrderInput,
  idempotencyKeyHeader: string | string[] | undefined,
): Promise<{ detail: AdminOrderDetail; replayed: boolean }> {
  const clientKey = parseIdempotencyKey(idempotencyKeyHeader);
  const reason = input.reason?.trim() || null;
  const amountCents = input.amountCents ?? null;
  const forceKujiReason = input.forceKujiRefund?.reason.trim() || null;
  if (input.forceKujiRefund && !forceKujiReason) {
    throw new DomainError('VALIDATION_FAILED', 'A forced kuji refund needs a reason', {
      fields: { 'forceKujiRefund.reason': 'Required' },
    });
  }
  const claim = await claimIdempotencyKey(deps.db, {
    scope: REFUND_SCOPE,
    key: clientKey,
    fingerprint: refundFingerprint({ orderId: input.id, amountCents, reason, forceKujiReason }),
    now: deps.clock.now(),
    staleAfterMs: REFUND_KEY_LEASE_MS,
  });
  if (claim.kind === 'completed') return { detail: claim.body as AdminOrderDetail, replayed: true };
  return holdRefundKey(deps, claim.id, () =>
    runRefund(deps, actor, input.id, claim.id, clientKey, reason, amountCents, forceKujiReason),
  );
}

async function runRefund(
  deps: RefundDeps,
  actor: AdminActor,
  orderId: string,
  claimId: string,
  clientKey: string,
  reason: string | null,
  amountCents: number | null,
  forceKujiReason: string | null,
): Promise<{ detail: AdminOrderDetail; replayed: boolean }> {
  const claim = { id: claimId };

  let plan: RefundPlan;
  try {
    plan = await deps.db.transaction((tx) =>
      planRefund(tx, claim.id, { orderId, amountCents, reason, forceKujiReason, clientKey }),
    );
  } catch (error) {
    await abandonIdempotencyKey(deps.db, claim.id);
    throw error;
  }
  if (plan.kind === 'recorded') {
    const recordedOrderId = plan.orderId;
    const detail = await deps.db.transaction(async (tx) => {
      const view = await getAdminOrderDetail(deps, recordedOrderId, tx);
      await completeIdempotencyKey(tx, claim.id, {
        status: 200,
        body: view,
        resourceId: recordedOrderId,
        now: deps.clock.now(),
      });
      return view;
    });
    return { detail, replayed: false };
  }

  let refund: ProviderRefund;
  try {
    refund = await deps.payments.createRefund({
      paymentIntentId: plan.paymentIntentId,
      amountCents: plan.amountCents,
      idempotencyKey: plan.refundKey,
      metadata: {
        orderId: plan.orderId,
        paymentId: plan.paymentId,
        idempotencyKey: plan.refundKey,
        ...(reason ? { reason: reason.slice(0, 500) } : {}),
        ...(forceKujiReason ? { [FORCE_KUJI_METADATA_KEY]: forceKujiReason.slice(0, 500) } : {}),
      },
    });
  } catch (error) {
    // Nothing is recorded; a retry with the same key asks the provider again and gets the same refund.
    await abandonIdempotencyKey(deps.db, claim.id);
    throw new DomainError('UPSTREAM_FAILED', 'The payment provider did not complete the refund', undefined, {
      cause: error,
      upstream: 'payments',
    });
  }

  let detail: AdminOrderDetail;
  try {
    detail = await recordRefund(deps, actor, plan, refund, claim.id, reason);
  } catch (error) {
    if (countsTowardRefunded(refund.status)) {
      await parkAfterRefundFailure(deps, actor, plan.orderId, refund, error);
    }
    await abandonIdempotencyKey(deps.db, claim.id).catch((err: unknown) =>
      deps.logger.error({ err, orderId: plan.orderId }, 'could not free a refund Idempotency-Key'),
    );
    throw new DomainError(
      'UPSTREAM_FAILED',
      countsTowardRefunded(refund.status)
        ? 'The refund succeeded at the payment provider but could not be recorded; reconcile the order'
        : `The payment provider reported the refund as ${refund.status}, and it could not be recorded`,
      { providerRefundId: refund.id },
      {
        cause: error,
        upstream: countsTowardRefunded(refund.status)
          ? 'payments_refund_unrecorded'
          : 'payments_refund_incomplete',
      },
    );
  }
  if (!countsTowardRefunded(refund.status)) {
    throw new DomainError(
      'UPSTREAM_FAILED',
      `The payment provider reported the refund as ${refund.status}`,
      { providerRefundId: refund.id, status: refund.status },
      { upstream: 'payments_refund_incomplete' },
    );
  }
  return { detail, replayed: false };
}
