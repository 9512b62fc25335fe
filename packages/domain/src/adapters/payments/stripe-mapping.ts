import type {
  AddressSnapshotInput,
  CheckoutSession,
  PaymentWebhookEvent,
  ProviderRefund,
} from '../../ports/payments.js';

/**
 * The parts of Stripe's objects the domain reads. Stripe's own types satisfy these structurally, and the
 * local simulator builds objects of the same shape, so both adapters share one mapping.
 */
interface StripeAddressLike {
  line1?: string | null;
  line2?: string | null;
  city?: string | null;
  state?: string | null;
  postal_code?: string | null;
  country?: string | null;
}

export interface StripeSessionLike {
  id: string;
  url?: string | null;
  status?: string | null;
  payment_status?: string | null;
  /** A string id, or the PaymentIntent when retrieved with `expand: ['payment_intent.latest_charge']`. */
  payment_intent?: string | StripePaymentIntentLike | null;
  currency?: string | null;
  amount_subtotal?: number | null;
  amount_total?: number | null;
  total_details?: {
    amount_discount?: number | null;
    amount_shipping?: number | null;
    amount_tax?: number | null;
  } | null;
  shipping_cost?: { amount_total?: number | null } | null;
  customer_email?: string | null;
  customer_details?: {
    email?: string | null;
    name?: string | null;
    phone?: string | null;
    address?: StripeAddressLike | null;
  } | null;
  collected_information?: {
    shipping_details?: { name?: string | null; address?: StripeAddressLike | null } | null;
  } | null;
  metadata?: Record<string, string> | null;
  mode?: string | null;
  created: number;
  expires_at?: number | null;
}

export interface StripePaymentIntentLike {
  id: string;
  latest_charge?:
    string | { payment_method_details?: { card?: { fingerprint?: string | null } | null } | null } | null;
}

/** Issue 13: the card fingerprint of an expanded PaymentIntent's latest charge, if any. */
function cardFingerprintOf(pi: StripeSessionLike['payment_intent']): string | null {
  if (!pi || typeof pi === 'string') return null;
  const charge = pi.latest_charge;
  if (!charge || typeof charge === 'string') return null;
  return charge.payment_method_details?.card?.fingerprint ?? null;
}

export interface StripeRefundLike {
  id: string;
  status?: string | null;
  amount: number;
  currency: string;
  payment_intent?: string | { id: string } | null;
  charge?: string | { id: string } | null;
  reason?: string | null;
  metadata?: Record<string, string> | null;
  created: number;
}

const idOf = (value: string | { id: string } | null | undefined): string | null =>
  value == null ? null : typeof value === 'string' ? value : value.id;

function address(
  source: StripeAddressLike | null | undefined,
  extra: Pick<AddressSnapshotInput, 'name' | 'phone' | 'email'>,
): AddressSnapshotInput {
  return {
    ...extra,
    line1: source?.line1 ?? null,
    line2: source?.line2 ?? null,
    city: source?.city ?? null,
    state: source?.state ?? null,
    postalCode: source?.postal_code ?? null,
    country: source?.country ?? null,
  };
}

const SESSION_STATUSES = ['open', 'complete', 'expired'] as const;
const PAYMENT_STATUSES = ['paid', 'unpaid', 'no_payment_required'] as const;

export function toCheckoutSession(s: StripeSessionLike): CheckoutSession {
  const details = s.customer_details ?? null;
  const shipping = s.collected_information?.shipping_details ?? null;
  const status = SESSION_STATUSES.find((v) => v === s.status) ?? 'open';
  const paymentStatus = PAYMENT_STATUSES.find((v) => v === s.payment_status) ?? 'unpaid';
  return {
    id: s.id,
    url: s.url ?? null,
    status,
    paymentStatus,
    paymentIntentId: idOf(s.payment_intent),
    cardFingerprint: cardFingerprintOf(s.payment_intent),
    currency: s.currency ?? null,
    amountSubtotal: s.amount_subtotal ?? null,
    amountTotal: s.amount_total ?? null,
    amountShipping: s.total_details?.amount_shipping ?? s.shipping_cost?.amount_total ?? null,
    amountTax: s.total_details?.amount_tax ?? null,
    amountDiscount: s.total_details?.amount_discount ?? null,
    customerEmail: s.customer_email ?? null,
    customerDetails: details
      ? address(details.address, {
          name: details.name ?? null,
          phone: details.phone ?? null,
          email: details.email ?? null,
        })
      : null,
    shippingDetails: shipping
      ? address(shipping.address, { name: shipping.name ?? null, phone: null, email: null })
      : null,
    metadata: { ...(s.metadata ?? {}) },
    mode: s.mode ?? null,
    created: s.created,
    expiresAt: s.expires_at ?? null,
  };
}

export function toProviderRefund(r: StripeRefundLike): ProviderRefund {
  return {
    id: r.id,
    status: (r.status ?? 'unknown').toLowerCase(),
    amountCents: r.amount,
    currency: r.currency,
    paymentIntentId: idOf(r.payment_intent),
    chargeId: idOf(r.charge),
    reason: r.reason ?? null,
    metadata: { ...(r.metadata ?? {}) },
    created: r.created,
  };
}

export interface StripeEventLike {
  id: string;
  type: string;
  api_version?: string | null;
  created: number;
  livemode?: boolean;
  data: { object: unknown };
}

export function toWebhookEvent(e: StripeEventLike): PaymentWebhookEvent {
  return {
    id: e.id,
    type: e.type,
    apiVersion: e.api_version ?? null,
    created: e.created,
    livemode: e.livemode ?? false,
    object: (e.data.object ?? {}) as PaymentWebhookEvent['object'],
  };
}
