import type { AddressSnapshot, CustomerDetailsSnapshot } from '@popbox/db';
import type { AddressSnapshotInput, CheckoutSession } from '../ports/payments.js';
import { CURRENCY, SHIPPING_COUNTRY } from '../shared/constants.js';

/** What a paid Checkout Session says, normalised (B6 step 2). Pure. */
export interface SessionFacts {
  currency: string | null;
  subtotalCents: number | null;
  shippingCents: number | null;
  taxCents: number | null;
  discountCents: number | null;
  totalCents: number | null;
  customer: CustomerDetailsSnapshot;
  shippingAddress: AddressSnapshot | null;
  billingAddress: AddressSnapshot | null;
}

const clean = (value: string | null | undefined): string | null => {
  const trimmed = value?.trim();
  return trimmed ? trimmed : null;
};

function snapshot(
  input: AddressSnapshotInput | null,
  source: AddressSnapshot['source'],
  fallback: { name: string | null; email: string | null; phone: string | null },
): AddressSnapshot | null {
  if (!input) return null;
  return {
    fullName: clean(input.name) ?? fallback.name,
    line1: clean(input.line1),
    line2: clean(input.line2),
    city: clean(input.city),
    province: clean(input.state),
    postalCode: clean(input.postalCode),
    countryCode: clean(input.country)?.toUpperCase() ?? null,
    phone: clean(input.phone) ?? fallback.phone,
    email: clean(input.email)?.toLowerCase() ?? fallback.email,
    source,
  };
}

export function deriveSessionFacts(session: CheckoutSession): SessionFacts {
  const details = session.customerDetails;
  const fullName = clean(details?.name) ?? clean(session.shippingDetails?.name);
  const [firstName, ...rest] = fullName ? fullName.split(/\s+/) : [];
  const email = (clean(details?.email) ?? clean(session.customerEmail))?.toLowerCase() ?? null;
  const phone = clean(details?.phone);
  return {
    currency: session.currency?.toUpperCase() ?? null,
    subtotalCents: session.amountSubtotal,
    shippingCents: session.amountShipping,
    taxCents: session.amountTax,
    discountCents: session.amountDiscount,
    totalCents: session.amountTotal,
    customer: {
      email,
      fullName,
      firstName: firstName ?? null,
      lastName: rest.length ? rest.join(' ') : null,
      phone,
      source: 'stripe_customer_details',
    },
    shippingAddress: snapshot(session.shippingDetails, 'stripe_shipping_details', {
      name: fullName,
      email,
      phone,
    }),
    billingAddress: snapshot(details, 'stripe_customer_details', { name: fullName, email, phone }),
  };
}

/** Spec "orders": complete = fullName, line1, city, province, postalCode and countryCode all present. */
export function isCompleteAddress(address: AddressSnapshot | null): boolean {
  return Boolean(
    address &&
    address.fullName &&
    address.line1 &&
    address.city &&
    address.province &&
    address.postalCode &&
    address.countryCode,
  );
}

/**
 * Why a paid order is parked in `paid_needs_attention` (F5). Stored on the order as `code: detail; …`.
 * Stock problems can be retried by an admin once stock is back; money or identity problems cannot.
 */
export type AttentionCode =
  | 'payment_not_paid'
  | 'session_mismatch'
  | 'currency_mismatch'
  | 'amount_mismatch'
  | 'discount_applied'
  | 'address_incomplete'
  | 'shipping_country'
  | 'email_missing'
  | 'order_cancelled'
  | 'stock_unavailable'
  | 'inventory_inconsistent'
  | 'kuji_deck_exhausted'
  // Issue 13: a purchase cap (per order, or per buyer by email, card or address) was broken. Never retriable.
  | 'purchase_limit'
  // Refund states (B14): never retriable by finalisation; reconcile or refund instead.
  | 'refund_drift'
  | 'refund_bookkeeping_failed';

export interface AttentionProblem {
  code: AttentionCode;
  detail: string;
}

export const RETRIABLE_ATTENTION_CODES: readonly AttentionCode[] = [
  'kuji_deck_exhausted',
  'order_cancelled',
  'stock_unavailable',
  'inventory_inconsistent',
];

export interface OrderAmounts {
  stripeCheckoutSessionId: string | null;
  currency: string;
  subtotalCents: number;
  shippingCents: number;
}

/** B6 step 4 (security rule 3): every check that must pass before a payment may finalise normally. */
export function safetyProblems(
  order: OrderAmounts,
  session: CheckoutSession,
  facts: SessionFacts,
): AttentionProblem[] {
  const problems: AttentionProblem[] = [];
  const add = (code: AttentionCode, detail: string) => problems.push({ code, detail });
  if (session.paymentStatus !== 'paid') add('payment_not_paid', `payment status is ${session.paymentStatus}`);
  if (order.stripeCheckoutSessionId && order.stripeCheckoutSessionId !== session.id) {
    add('session_mismatch', `paid session ${session.id} is not the order's session`);
  }
  if (order.currency !== CURRENCY || facts.currency !== CURRENCY) {
    add('currency_mismatch', `paid in ${facts.currency ?? 'unknown'}, expected ${CURRENCY}`);
  }
  if (facts.subtotalCents !== order.subtotalCents) {
    add('amount_mismatch', `subtotal ${facts.subtotalCents} ≠ ${order.subtotalCents}`);
  }
  if (facts.shippingCents !== order.shippingCents) {
    add('amount_mismatch', `shipping ${facts.shippingCents} ≠ ${order.shippingCents}`);
  }
  if ((facts.discountCents ?? 0) !== 0) add('discount_applied', `discount of ${facts.discountCents}`);
  const expectedTotal = (facts.subtotalCents ?? 0) + (facts.shippingCents ?? 0) + (facts.taxCents ?? 0);
  if (facts.totalCents !== expectedTotal) {
    add('amount_mismatch', `total ${facts.totalCents} ≠ subtotal + shipping + tax ${expectedTotal}`);
  }
  if (!isCompleteAddress(facts.shippingAddress)) add('address_incomplete', 'shipping address incomplete');
  if (!isCompleteAddress(facts.billingAddress)) add('address_incomplete', 'billing address incomplete');
  if (facts.shippingAddress?.countryCode && facts.shippingAddress.countryCode !== SHIPPING_COUNTRY) {
    add('shipping_country', `ships to ${facts.shippingAddress.countryCode}`);
  }
  if (!facts.customer.email) add('email_missing', 'no customer email');
  return problems;
}

export function formatAttentionReason(problems: AttentionProblem[]): string {
  return problems.map((p) => `${p.code}: ${p.detail}`).join('; ');
}

export function attentionCodes(reason: string | null): AttentionCode[] {
  if (!reason) return [];
  return reason.split('; ').map((part) => part.split(':')[0] as AttentionCode);
}

export function isRetriableAttention(reason: string | null): boolean {
  const codes = attentionCodes(reason);
  return codes.length > 0 && codes.every((c) => RETRIABLE_ATTENTION_CODES.includes(c));
}
