import type { CheckoutSession } from '../ports/payments.js';

/** The slim Checkout Session snapshot stored on payments.raw_response (never the provider's full object). */
export function slimSessionSnapshot(session: CheckoutSession): Record<string, unknown> {
  return {
    id: session.id,
    status: session.status,
    paymentStatus: session.paymentStatus,
    mode: session.mode,
    currency: session.currency?.toUpperCase() ?? null,
    amountSubtotal: session.amountSubtotal,
    amountTotal: session.amountTotal,
    amountShipping: session.amountShipping,
    amountTax: session.amountTax,
    amountDiscount: session.amountDiscount,
    paymentIntentId: session.paymentIntentId,
    customerEmail: session.customerDetails?.email ?? session.customerEmail,
    metadata: session.metadata,
    created: session.created,
  };
}
