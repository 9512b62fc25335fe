import { asc, eq } from 'drizzle-orm';
import { orders, paymentRefunds, payments, type Tx } from '@popbox/db';
import type { Deps } from '../shared/deps.js';
import { DomainError, notFound } from '../shared/errors.js';
import type { ProviderRefund } from '../ports/payments.js';
import { recordAudit, type AdminActor } from '../audit/record-audit.js';
import { beginAdminOrderAction } from '../order-admin/order-action.js';
import { getAdminOrderDetail } from '../order-admin/admin-order-detail.js';
import { DEFAULT_VOID_REASON } from './refund.rules.js';
import { applyProviderRefunds } from './apply-provider-refunds.js';

const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** What the local books say about an order's refunds, to tell whether a sync changed anything. */
async function localRefundState(tx: Tx, orderId: string) {
  const [order] = await tx.select({ status: orders.status }).from(orders).where(eq(orders.id, orderId));
  const [payment] = await tx
    .select({ status: payments.status, refundedAmountCents: payments.refundedAmountCents })
    .from(payments)
    .where(eq(payments.orderId, orderId));
  const rows = await tx
    .select({
      id: paymentRefunds.providerRefundId,
      status: paymentRefunds.status,
      amountCents: paymentRefunds.amountCents,
    })
    .from(paymentRefunds)
    .where(eq(paymentRefunds.orderId, orderId))
    .orderBy(asc(paymentRefunds.providerRefundId));
  return { order, payment, rows };
}

const newestFirst = (refunds: ProviderRefund[]) =>
  [...refunds].sort((a, b) => b.created - a.created || (a.id < b.id ? 1 : -1));

/**
 * B14 refund reconciliation: every refund of the payment intent, fetched from the provider before any
 * transaction (all pages; failure → 502), then under the order action lock (busy → 409) upserted and the
 * aggregate re-synced (full refunds void tickets with the default reason). No order-status precondition.
 */
export async function reconcileRefunds(
  deps: Pick<Deps, 'db' | 'clock' | 'logger' | 'config' | 'storage' | 'payments'>,
  actor: AdminActor,
  orderId: string,
) {
  const [row] = UUID_RE.test(orderId)
    ? await deps.db
        .select({ id: orders.id, paymentIntentId: payments.providerPaymentIntentId })
        .from(orders)
        .leftJoin(payments, eq(payments.orderId, orders.id))
        .where(eq(orders.id, orderId))
    : [];
  if (!row) throw notFound('Order');
  const paymentIntentId = row.paymentIntentId;
  if (!paymentIntentId) {
    throw new DomainError('REFUND_NOT_ALLOWED', 'This order has no captured payment to reconcile');
  }
  let providerRefunds: ProviderRefund[];
  try {
    providerRefunds = await deps.payments.listRefunds(paymentIntentId);
  } catch (error) {
    throw new DomainError(
      'UPSTREAM_FAILED',
      'Could not list the refunds at the payment provider',
      undefined,
      { cause: error, upstream: 'payments' },
    );
  }
  return deps.db.transaction(async (tx) => {
    await beginAdminOrderAction(tx, orderId);
    const before = await localRefundState(tx, orderId);
    const applied = await applyProviderRefunds(deps, tx, {
      paymentIntentId,
      refunds: providerRefunds,
      voidReason: DEFAULT_VOID_REASON,
    });
    const after = await localRefundState(tx, orderId);
    const drift =
      JSON.stringify(before) !== JSON.stringify(after) || after.rows.length !== providerRefunds.length;
    const summary = {
      stripeRefundCount: providerRefunds.length,
      localRefundCount: after.rows.length,
      refundedAmountCents: after.payment?.refundedAmountCents ?? 0,
      isFullyRefunded: applied?.aggregate?.fullyRefunded ?? false,
      hasRefundDrift: drift,
    };
    await recordAudit(tx, actor, {
      action: 'order.refund_reconcile',
      entityType: 'order',
      entityId: orderId,
      before: { status: before.order?.status, refundedAmountCents: before.payment?.refundedAmountCents },
      after: { status: after.order?.status, ...summary },
    });
    return {
      order: await getAdminOrderDetail(deps, orderId, tx),
      summary,
      refunds: newestFirst(providerRefunds).map((r) => ({
        providerRefundId: r.id,
        amountCents: r.amountCents,
        currency: r.currency.toUpperCase(),
        status: r.status,
        reason: r.reason ?? r.metadata.reason ?? null,
        providerCreatedAt: new Date(r.created * 1000).toISOString(),
      })),
    };
  });
}
