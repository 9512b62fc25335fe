import { eq, sql } from 'drizzle-orm';
import { customers, orders, payments, type Tx } from '@popbox/db';
import type { CheckoutSession } from '../ports/payments.js';
import { assertOrderTransition } from '../orders/order.state.js';
import { assertPaymentTransition } from './payment.state.js';
import { slimSessionSnapshot } from './session.rules.js';
import type { SessionFacts } from './finalisation.rules.js';

type OrderRow = typeof orders.$inferSelect;

/**
 * F2 + B7: the buyer becomes a customer at payment, race-safely: INSERT … ON CONFLICT (email) fills only
 * missing fields of an existing customer and never overwrites. Returns null without an email.
 */
export async function upsertCustomer(tx: Tx, facts: SessionFacts): Promise<string | null> {
  const { email, firstName, lastName, phone } = facts.customer;
  if (!email) return null;
  const [row] = await tx
    .insert(customers)
    .values({ email, firstName, lastName, phone })
    .onConflictDoUpdate({
      target: customers.email,
      set: {
        firstName: sql`coalesce(${customers.firstName}, excluded.first_name)`,
        lastName: sql`coalesce(${customers.lastName}, excluded.last_name)`,
        phone: sql`coalesce(${customers.phone}, excluded.phone)`,
      },
    })
    .returning({ id: customers.id });
  return row!.id;
}

const amount = (value: number | null, fallback: number) =>
  value !== null && Number.isInteger(value) && value >= 0 ? value : fallback;

/**
 * B6 step 8 / B9 step 3: the order takes Stripe's final amounts and the buyer's snapshots, and moves to
 * `paid` or `paid_needs_attention`; the payment becomes `paid` with Stripe's total. Money always wins:
 * the same write happens on the normal and the needs-attention path.
 */
export async function recordPayment(
  tx: Tx,
  order: OrderRow,
  session: CheckoutSession,
  facts: SessionFacts,
  outcome: {
    status: 'paid' | 'paid_needs_attention';
    customerId: string | null;
    attentionReason: string | null;
    now: Date;
  },
): Promise<void> {
  assertOrderTransition(order.status, outcome.status);
  const currency = facts.currency && facts.currency.length === 3 ? facts.currency : order.currency;
  const totalCents = amount(facts.totalCents, order.totalCents);
  await tx
    .update(orders)
    .set({
      status: outcome.status,
      attentionReason: outcome.attentionReason,
      // Paid: keep what the deal set in this transaction (the row read earlier is stale). Parked: never.
      includesLastOnePrize: outcome.status === 'paid' ? sql`${orders.includesLastOnePrize}` : false,
      currency,
      stripeCheckoutSessionId: sql`coalesce(${orders.stripeCheckoutSessionId}, ${session.id})`,
      stripePaymentIntentId: session.paymentIntentId,
      customerId: outcome.customerId,
      customerDetailsJson: facts.customer,
      shippingAddressJson: facts.shippingAddress ?? {},
      billingAddressJson: facts.billingAddress,
      subtotalCents: amount(facts.subtotalCents, order.subtotalCents),
      shippingCents: amount(facts.shippingCents, order.shippingCents),
      taxCents: amount(facts.taxCents, 0),
      totalCents,
      paidAt: outcome.now,
      placedAt: outcome.now,
    })
    .where(eq(orders.id, order.id));

  const [payment] = await tx.select().from(payments).where(eq(payments.orderId, order.id)).for('update');
  if (!payment) {
    await tx.insert(payments).values({
      orderId: order.id,
      providerCheckoutSessionId: session.id,
      providerPaymentIntentId: session.paymentIntentId,
      amountCents: totalCents,
      currency,
      status: 'paid',
      rawResponse: slimSessionSnapshot(session),
    });
    return;
  }
  assertPaymentTransition(payment.status, 'paid');
  await tx
    .update(payments)
    .set({
      status: 'paid',
      amountCents: totalCents,
      currency,
      providerCheckoutSessionId: sql`coalesce(${payments.providerCheckoutSessionId}, ${session.id})`,
      providerPaymentIntentId: session.paymentIntentId,
      rawResponse: slimSessionSnapshot(session),
    })
    .where(eq(payments.id, payment.id));
}
