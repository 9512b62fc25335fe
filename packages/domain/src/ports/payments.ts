/**
 * The payment provider (Stripe in production, the local checkout simulator as the embedded default).
 * Shapes are provider-neutral snapshots of what the domain reads; adapters map the provider's objects.
 */
export interface CheckoutLineItem {
  name: string;
  description?: string | null;
  unitAmountCents: number;
  quantity: number;
}

export interface CreateCheckoutSessionRequest {
  orderId: string;
  orderPublicId: string;
  /** ISO code, upper-case (CAD). */
  currency: string;
  lineItems: CheckoutLineItem[];
  shippingCents: number;
  /** Prefill only (F2). */
  customerEmail?: string | null;
  /**
   * Prefill only (F2). Stripe Checkout has no name prefill without creating a Stripe Customer (which F2
   * rules out), so the Stripe adapter ignores it; the simulator shows it.
   */
  customerName?: string | null;
  successUrl: string;
  cancelUrl: string;
  expiresAt: Date;
  /** Forwarded as the provider's request idempotency key. */
  idempotencyKey: string;
}

export interface AddressSnapshotInput {
  name?: string | null;
  line1?: string | null;
  line2?: string | null;
  city?: string | null;
  state?: string | null;
  postalCode?: string | null;
  country?: string | null;
  phone?: string | null;
  email?: string | null;
}

export interface CheckoutSession {
  id: string;
  url: string | null;
  status: 'open' | 'complete' | 'expired';
  paymentStatus: 'paid' | 'unpaid' | 'no_payment_required';
  paymentIntentId: string | null;
  /**
   * Issue 13: the card's fingerprint (Stripe: the PaymentIntent's latest charge,
   * `payment_method_details.card.fingerprint`; the same card number gives the same value). Only on a
   * session retrieved by id after payment; null when not paid by card or not known.
   */
  cardFingerprint: string | null;
  /** Lower-case ISO code as the provider reports it. */
  currency: string | null;
  amountSubtotal: number | null;
  amountTotal: number | null;
  amountShipping: number | null;
  amountTax: number | null;
  amountDiscount: number | null;
  customerEmail: string | null;
  customerDetails: AddressSnapshotInput | null;
  shippingDetails: AddressSnapshotInput | null;
  metadata: Record<string, string>;
  mode: string | null;
  created: number;
  /** Epoch seconds. */
  expiresAt: number | null;
}

export interface ProviderRefund {
  id: string;
  /** Provider status lower-cased: pending, succeeded, failed, canceled, requires_action. */
  status: string;
  amountCents: number;
  currency: string;
  paymentIntentId: string | null;
  chargeId: string | null;
  reason: string | null;
  metadata: Record<string, string>;
  created: number;
}

export interface CreateRefundRequest {
  paymentIntentId: string;
  amountCents: number;
  idempotencyKey: string;
  metadata: Record<string, string>;
}

/** A signature-verified webhook event. */
export interface PaymentWebhookEvent {
  id: string;
  type: string;
  apiVersion: string | null;
  created: number;
  livemode: boolean;
  /** The event's data.object, as sent (never trusted for money: sessions are re-fetched). */
  object: Record<string, unknown> & { id?: string; object?: string };
}

export type ExpireSessionResult = 'expired' | 'not_open' | 'not_found';

export interface PaymentsPort {
  readonly kind: 'stripe' | 'simulator';
  createCheckoutSession(request: CreateCheckoutSessionRequest): Promise<CheckoutSession>;
  /** Throws PaymentProviderError('not_found') for an unknown session. */
  retrieveCheckoutSession(sessionId: string): Promise<CheckoutSession>;
  /** Closes an open session; "not found" and "already closed" are answers, not errors (F6). */
  expireCheckoutSession(sessionId: string): Promise<ExpireSessionResult>;
  createRefund(request: CreateRefundRequest): Promise<ProviderRefund>;
  /** Every refund of a payment intent (all pages). */
  listRefunds(paymentIntentId: string): Promise<ProviderRefund[]>;
  /** Verifies the signature over the exact raw bytes (300 s tolerance). Throws PaymentProviderError('invalid_signature'). */
  verifyWebhook(rawBody: Buffer, signatureHeader: string): Promise<PaymentWebhookEvent>;
}

export class PaymentProviderError extends Error {
  override readonly name = 'PaymentProviderError';
  constructor(
    message: string,
    readonly kind: 'not_found' | 'invalid_signature' | 'invalid_request' | 'unavailable',
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}
