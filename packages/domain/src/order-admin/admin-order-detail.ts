import { desc, eq, sql } from 'drizzle-orm';
import { emailOutbox, paymentRefunds, payments, type Executor } from '@popbox/db';
import type { Deps } from '../shared/deps.js';
import { getOrderView } from '../orders/order-view.js';
import { gather } from '../shared/gather.js';

const iso = (d: Date | null) => (d ? d.toISOString() : null);

/**
 * B14 admin order detail: the unmasked order view (tickets with deck epoch/position, attention reason) plus
 * the payment, its refunds (newest first) and the order's emails from the outbox (no bodies). Pass a
 * transaction's handle to return exactly what that transaction is about to commit.
 */
export async function getAdminOrderDetail(
  deps: Pick<Deps, 'db' | 'storage'>,
  orderId: string,
  db: Executor = deps.db,
) {
  const view = await getOrderView(deps, orderId, 'admin', db);
  const [paymentRows, refundRows, emailRows] = await gather(db === deps.db, [
    () => db.select().from(payments).where(eq(payments.orderId, orderId)),
    () =>
      db
        .select()
        .from(paymentRefunds)
        .where(eq(paymentRefunds.orderId, orderId))
        .orderBy(
          sql`coalesce(${paymentRefunds.providerCreatedAt}, ${paymentRefunds.createdAt}) desc`,
          desc(paymentRefunds.createdAt),
          desc(paymentRefunds.id),
        ),
    () =>
      db
        .select({
          id: emailOutbox.id,
          kind: emailOutbox.kind,
          status: emailOutbox.status,
          to: emailOutbox.toEmail,
          subject: emailOutbox.subject,
          sentAt: emailOutbox.sentAt,
          createdAt: emailOutbox.createdAt,
        })
        .from(emailOutbox)
        .where(eq(emailOutbox.orderId, orderId))
        .orderBy(desc(emailOutbox.createdAt), desc(emailOutbox.id)),
  ] as const);
  const payment = paymentRows[0];
  return {
    ...view,
    // Always present for the admin audience; the view's type only knows them as optional.
    attentionReason: view.attentionReason ?? null,
    accessTokenVersion: view.accessTokenVersion ?? 1,
    createdAt: view.createdAt ?? '',
    updatedAt: view.updatedAt ?? '',
    tickets: view.tickets.map((t) => ({
      ...t,
      deckEpoch: t.deckEpoch ?? null,
      deckPosition: t.deckPosition ?? null,
    })),
    payment: payment
      ? {
          id: payment.id,
          status: payment.status,
          amountCents: payment.amountCents,
          refundedAmountCents: payment.refundedAmountCents,
          currency: payment.currency,
          providerPaymentIntentId: payment.providerPaymentIntentId,
          providerCheckoutSessionId: payment.providerCheckoutSessionId,
        }
      : null,
    refunds: refundRows.map((r) => ({
      id: r.id,
      providerRefundId: r.providerRefundId,
      amountCents: r.amountCents,
      currency: r.currency,
      status: r.status,
      reason: r.reason,
      providerCreatedAt: iso(r.providerCreatedAt),
      createdAt: r.createdAt.toISOString(),
    })),
    emails: emailRows.map((e) => ({
      ...e,
      sentAt: iso(e.sentAt),
      createdAt: e.createdAt.toISOString(),
    })),
  };
}

export type AdminOrderDetail = Awaited<ReturnType<typeof getAdminOrderDetail>>;
