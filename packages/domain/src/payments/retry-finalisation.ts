import { eq } from 'drizzle-orm';
import { orders } from '@popbox/db';
import type { Deps } from '../shared/deps.js';
import { DomainError } from '../shared/errors.js';
import { recordAudit, type AdminActor } from '../audit/record-audit.js';
import { assertOrderTransition } from '../orders/order.state.js';
import { isRetriableAttention } from './finalisation.rules.js';
import { StockShortage, takeOrderStockAndClaim } from './take-order-stock.js';
import { enqueuePaidOrderEmails } from './order-emails.js';
import { getAdminOrderDetail } from '../order-admin/admin-order-detail.js';
import { beginOrderAction } from '../order-admin/order-action.js';
import { purchaseLimitProblems } from '../caps/check-finalisation-caps.js';

/**
 * F5 admin resolution: a paid order parked for a stock reason (late payment with the stock resold, a
 * cancelled order that was paid anyway) is finalised once stock is available again — the stock is taken
 * atomically or nothing changes (409 OUT_OF_STOCK). Orders parked for money or identity reasons (amount,
 * currency, discount, address, email) cannot be retried: they are refunded. Audited (F13); the buyer's
 * confirmation and the shop notification are enqueued as for a normal payment. Returns the admin order detail.
 */
export async function retryFinalisation(
  deps: Pick<Deps, 'db' | 'clock' | 'config' | 'random' | 'storage' | 'beacon'>,
  actor: AdminActor,
  orderId: string,
) {
  return deps.db.transaction(async (tx) => {
    const order = await beginOrderAction(tx, orderId);
    if (order.status !== 'paid_needs_attention') {
      throw new DomainError(
        'INVALID_TRANSITION',
        `Only orders needing attention can be retried (this one is ${order.status})`,
        {
          status: order.status,
        },
      );
    }
    if (!isRetriableAttention(order.attentionReason)) {
      throw new DomainError(
        'CONFLICT',
        'This order was parked for a reason a retry cannot fix; refund it instead',
        {
          attentionReason: order.attentionReason,
        },
      );
    }
    // Issue 13: the buyer may have bought more since this order was parked; a retry must not break a cap.
    const caps = await purchaseLimitProblems(tx, order.id, {
      email: order.buyerEmailKey,
      card: order.buyerCardFingerprint,
      address: order.buyerAddressKey,
    });
    if (caps.problems.length) {
      throw new DomainError(
        'PURCHASE_LIMIT',
        `A retry would break a purchase limit: ${caps.problems[0]!.detail}`,
        {
          problems: caps.problems,
        },
      );
    }
    try {
      if (!order.customerId)
        throw new DomainError('CONFLICT', 'The order has no customer; refund it instead');
      await takeOrderStockAndClaim(tx, deps, order.id, order.customerId);
    } catch (error) {
      if (!(error instanceof StockShortage)) throw error;
      throw new DomainError('OUT_OF_STOCK', `Still not enough stock: ${error.problem.detail}`);
    }
    assertOrderTransition(order.status, 'paid');
    await tx.update(orders).set({ status: 'paid', attentionReason: null }).where(eq(orders.id, order.id));
    await recordAudit(tx, actor, {
      action: 'order.retry_finalisation',
      entityType: 'order',
      entityId: order.id,
      before: { status: order.status, attentionReason: order.attentionReason },
      after: { status: 'paid', attentionReason: null },
    });
    await enqueuePaidOrderEmails(deps, tx, order.id);
    return getAdminOrderDetail(deps, order.id, tx);
  });
}
