import { sql } from 'drizzle-orm';
import type { Deps } from '../shared/deps.js';
import { rows } from '../shared/sql.js';
import type { AdminActor } from '../audit/record-audit.js';
import { refundOrder } from '../refunds/refund-order.js';

/** The actor automatic refunds are audited under (no staff account). */
export const PURCHASE_LIMIT_ACTOR: AdminActor = { userId: null, email: 'system:purchase-limits' };

/** One key per order: a second attempt (retry, duplicate event, crash recovery) can only replay the first. */
export const purchaseLimitRefundKey = (orderId: string) => `purchase-limit-refund:${orderId}`;

/**
 * Issue 13: refunds, in full, a paid order parked for a broken purchase cap when the shop setting says so.
 * Runs AFTER the finalising transaction committed (the provider call is never inside a transaction), through
 * the ordinary refund use case with an Idempotency-Key derived from the order: the claim replays a finished
 * refund, the provider gets a key derived from it, and a refund already made (by staff or an earlier run)
 * leaves nothing refundable — never a double refund. The refund email follows the refund as usual; the
 * purchase-limit email (why) was enqueued with the parking. Failures are logged, not thrown: the order stays
 * parked with its alert, and staff can refund it.
 */
export async function refundOverCapOrder(
  deps: Pick<Deps, 'db' | 'clock' | 'logger' | 'config' | 'storage' | 'payments'>,
  orderId: string,
): Promise<'refunded' | 'failed'> {
  try {
    await refundOrder(
      deps,
      PURCHASE_LIMIT_ACTOR,
      { id: orderId, reason: 'purchase limit exceeded (automatic refund)' },
      purchaseLimitRefundKey(orderId),
    );
    return 'refunded';
  } catch (err) {
    deps.logger.warn(
      { err, orderId, flow: 'purchase_limit_refund' },
      'automatic purchase-limit refund failed',
    );
    return 'failed';
  }
}

/**
 * Issue 13 recovery: over-cap orders that were parked for an automatic refund (their purchase-limit email was
 * enqueued with the parking) but have no refund yet — the process died between the finalisation's commit and
 * the refund, or the provider failed. The API runs it at start; staff can also just refund such an order. Each
 * goes through `refundOverCapOrder` (same derived key: at most one refund per order). Returns how many were
 * refunded now.
 */
export async function refundPendingOverCapOrders(
  deps: Pick<Deps, 'db' | 'clock' | 'logger' | 'config' | 'storage' | 'payments'>,
  limit = 100,
): Promise<number> {
  const pending = await rows<{ id: string }>(
    deps.db,
    sql`select o.id from orders o
        where o.status = 'paid_needs_attention' and o.attention_reason like 'purchase_limit%'
          and exists (select 1 from email_outbox e where e.dedupe_key = 'purchase_limit:' || o.id::text)
          and not exists (select 1 from payment_refunds r where r.order_id = o.id)
        order by o.paid_at, o.id limit ${limit}`,
  );
  let refunded = 0;
  for (const { id } of pending) if ((await refundOverCapOrder(deps, id)) === 'refunded') refunded++;
  return refunded;
}
