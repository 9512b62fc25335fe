import { createHash, randomBytes } from 'node:crypto';
import {
  PaymentProviderError,
  type CheckoutLineItem,
  type CheckoutSession,
  type CreateCheckoutSessionRequest,
  type ExpireSessionResult,
  type PaymentsPort,
  type ProviderRefund,
} from '../../ports/payments.js';
import type { Logger } from '../../shared/ports.js';
import { toCheckoutSession, toProviderRefund, type StripeSessionLike } from './stripe-mapping.js';
import { signStripeWebhookPayload, verifyStripeWebhook } from './stripe-webhooks.js';
import { STRIPE_API_VERSION } from './stripe-payments.js';

/**
 * The local payment simulator: the embedded default when no Stripe key is configured. Checkout URLs open
 * a page served by the API (`/dev/checkout/{id}`); its Pay / Cancel actions produce Stripe-shaped events,
 * signed with the dev webhook secret exactly as Stripe signs them, and POST them to the real webhook route,
 * so the whole money path (signature, inbox, re-fetch, finalisation) runs as in production.
 *
 * Sessions live in this process's memory. That is a deliberate dev-only trade-off: the simulator is never
 * active in production (config refuses to start without Stripe there), it runs as one API process, and a
 * restart only forgets open test sessions (their orders expire with their reservations like any abandoned
 * checkout). A table would add schema that exists only for a fake.
 */
export interface SimulatorOptions {
  webhookSecret: string;
  /** Public base URL of the API serving `/dev/checkout/{id}` (read lazily: tests know it after listen). */
  publicBaseUrl: () => string;
  /** The real webhook route the events are posted to. */
  webhookUrl: () => string;
  logger?: Logger | undefined;
  /** Delay before the second event of a delayed payment method. */
  asyncDelayMs?: number | undefined;
}

export type SimulatedPayment = 'card' | 'delayed_success' | 'delayed_failure';

/** What the buyer types on the simulator page (all optional). */
export interface SimulatedBuyer {
  email?: string;
  name?: string;
  /**
   * Issue 13: the test card number paid with (default 4242 4242 4242 4242). The same number always gives
   * the same card fingerprint, as at Stripe, so "one card, many emails" can be played.
   */
  card?: string;
  /** Issue 13: the street line of the shipping address (default: the simulator's one address). */
  street?: string;
}

export const SIMULATOR_DEFAULT_CARD = '4242424242424242';

/** The deterministic fingerprint the simulator gives a card number (digits only count). */
export function simulatedCardFingerprint(card: string | undefined): string {
  const digits = (card ?? '').replace(/\D/g, '') || SIMULATOR_DEFAULT_CARD;
  return `fp_sim_${createHash('sha256').update(digits).digest('hex').slice(0, 16)}`;
}

export interface SimulatedSession {
  session: CheckoutSession;
  lineItems: CheckoutLineItem[];
  shippingCents: number;
  customerName: string | null;
  successUrl: string;
  cancelUrl: string;
}

export interface SimulatorPayments extends PaymentsPort {
  readonly kind: 'simulator';
  getSession(sessionId: string): SimulatedSession | undefined;
  /** Plays the buyer paying; resolves with the success redirect once the first event was delivered. */
  pay(sessionId: string, how?: SimulatedPayment, buyer?: SimulatedBuyer): Promise<string>;
  /** Plays the buyer abandoning the page: the session expires (and its event is delivered). */
  cancel(sessionId: string): Promise<string>;
}

export function isSimulatorPayments(payments: PaymentsPort): payments is SimulatorPayments {
  return payments.kind === 'simulator' && 'pay' in payments;
}

interface Stored {
  raw: StripeSessionLike & Record<string, unknown>;
  /** Issue 13: the paying card's fingerprint, exposed like Stripe's expanded latest charge. */
  cardFingerprint: string | null;
  lineItems: CheckoutLineItem[];
  shippingCents: number;
  customerName: string | null;
  successUrl: string;
  cancelUrl: string;
}

const rid = (prefix: string) => `${prefix}_${randomBytes(12).toString('hex')}`;
const nowSeconds = () => Math.floor(Date.now() / 1000);

export const SIMULATED_ADDRESS = {
  line1: '100 Simulator Way',
  line2: null,
  city: 'Edmonton',
  state: 'AB',
  postal_code: 'T5J 0N3',
  country: 'CA',
};

export function simulatorPayments(opts: SimulatorOptions): SimulatorPayments {
  const sessions = new Map<string, Stored>();
  const byIdempotencyKey = new Map<string, string>();
  const refunds = new Map<string, ReturnType<typeof toRefundJson>>();
  const refundsByIdempotencyKey = new Map<string, string>();
  const asyncDelayMs = opts.asyncDelayMs ?? 3000;

  async function deliver(type: string, object: Record<string, unknown>): Promise<number> {
    const event = {
      id: rid('evt_sim'),
      object: 'event',
      api_version: STRIPE_API_VERSION,
      created: nowSeconds(),
      livemode: false,
      type,
      data: { object: structuredClone(object) },
    };
    const payload = JSON.stringify(event);
    try {
      const res = await fetch(opts.webhookUrl(), {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'stripe-signature': await signStripeWebhookPayload(payload, opts.webhookSecret),
        },
        body: payload,
      });
      if (!res.ok) opts.logger?.warn({ type, status: res.status }, 'simulator: webhook delivery refused');
      await res.arrayBuffer();
      return res.status;
    } catch (err) {
      opts.logger?.error({ err, type }, 'simulator: webhook delivery failed');
      return 0;
    }
  }

  const later = (fn: () => Promise<unknown>) => setTimeout(() => void fn(), asyncDelayMs).unref();

  /** Like Stripe, an open session past its `expires_at` expires (and says so with an event). */
  function lookup(sessionId: string): Stored | undefined {
    const stored = sessions.get(sessionId);
    if (stored?.raw.status === 'open' && (stored.raw.expires_at ?? Infinity) <= nowSeconds()) {
      stored.raw.status = 'expired';
      setImmediate(() => void deliver('checkout.session.expired', stored.raw));
    }
    return stored;
  }

  function get(sessionId: string): Stored {
    const stored = lookup(sessionId);
    if (!stored) throw new PaymentProviderError(`No such checkout session: ${sessionId}`, 'not_found');
    return stored;
  }

  function requireOpen(stored: Stored) {
    if (stored.raw.status !== 'open') {
      throw new PaymentProviderError('Checkout session is no longer open', 'invalid_request');
    }
  }

  function create(request: CreateCheckoutSessionRequest): Stored {
    const id = rid('cs_sim');
    const subtotal = request.lineItems.reduce((s, l) => s + l.unitAmountCents * l.quantity, 0);
    const raw = {
      id,
      object: 'checkout.session',
      url: `${opts.publicBaseUrl()}/dev/checkout/${id}`,
      status: 'open',
      payment_status: 'unpaid',
      payment_intent: null as string | null,
      mode: 'payment',
      currency: request.currency.toLowerCase(),
      amount_subtotal: subtotal,
      amount_total: subtotal + request.shippingCents,
      total_details: { amount_discount: 0, amount_shipping: request.shippingCents, amount_tax: 0 },
      shipping_cost: { amount_total: request.shippingCents },
      customer_email: request.customerEmail ?? null,
      customer_details: null,
      collected_information: null,
      metadata: { orderId: request.orderId, orderPublicId: request.orderPublicId },
      created: nowSeconds(),
      expires_at: Math.ceil(request.expiresAt.getTime() / 1000),
    };
    const stored: Stored = {
      raw,
      cardFingerprint: null,
      lineItems: request.lineItems,
      shippingCents: request.shippingCents,
      customerName: request.customerName ?? null,
      successUrl: request.successUrl,
      cancelUrl: request.cancelUrl,
    };
    sessions.set(id, stored);
    return stored;
  }

  function toRefundJson(refund: { amount: number; paymentIntent: string; metadata: Record<string, string> }) {
    return {
      id: rid('re_sim'),
      object: 'refund',
      status: 'succeeded',
      amount: refund.amount,
      currency: 'cad',
      payment_intent: refund.paymentIntent,
      charge: `ch_sim_${refund.paymentIntent.slice(7)}`,
      reason: null,
      metadata: refund.metadata,
      created: nowSeconds(),
    };
  }

  const simulator: SimulatorPayments = {
    kind: 'simulator',

    async createCheckoutSession(request) {
      // Like Stripe: the same idempotency key answers with the session it created the first time.
      const known = byIdempotencyKey.get(request.idempotencyKey);
      const stored = known ? get(known) : create(request);
      byIdempotencyKey.set(request.idempotencyKey, stored.raw.id);
      return toCheckoutSession(stored.raw);
    },

    async retrieveCheckoutSession(sessionId) {
      // Like the Stripe adapter's retrieve with `expand: ['payment_intent.latest_charge']`.
      const stored = get(sessionId);
      const pi = stored.raw.payment_intent;
      return toCheckoutSession({
        ...stored.raw,
        payment_intent:
          typeof pi === 'string'
            ? {
                id: pi,
                latest_charge: {
                  payment_method_details: { card: { fingerprint: stored.cardFingerprint } },
                },
              }
            : pi,
      });
    },

    async expireCheckoutSession(sessionId): Promise<ExpireSessionResult> {
      const stored = lookup(sessionId);
      if (!stored) return 'not_found';
      if (stored.raw.status !== 'open') return 'not_open';
      stored.raw.status = 'expired';
      // Stripe announces the expiry with an event; so does the simulator (after answering).
      setImmediate(() => void deliver('checkout.session.expired', stored.raw));
      return 'expired';
    },

    async createRefund(request): Promise<ProviderRefund> {
      // Like Stripe: the same idempotency key answers with the refund it created the first time.
      const known = refundsByIdempotencyKey.get(request.idempotencyKey);
      if (known) return toProviderRefund(refunds.get(known)!);
      const paid = [...sessions.values()].find((s) => s.raw.payment_intent === request.paymentIntentId);
      const alreadyRefunded = [...refunds.values()]
        .filter((r) => r.payment_intent === request.paymentIntentId)
        .reduce((s, r) => s + r.amount, 0);
      if (!paid) throw new PaymentProviderError('No such payment intent', 'not_found');
      if (alreadyRefunded + request.amountCents > (paid.raw.amount_total ?? 0)) {
        throw new PaymentProviderError(
          'Refund amount is greater than the unrefunded amount',
          'invalid_request',
        );
      }
      const refund = toRefundJson({
        amount: request.amountCents,
        paymentIntent: request.paymentIntentId,
        metadata: request.metadata,
      });
      refunds.set(refund.id, refund);
      refundsByIdempotencyKey.set(request.idempotencyKey, refund.id);
      const refunded = [...refunds.values()]
        .filter((r) => r.payment_intent === request.paymentIntentId)
        .reduce((s, r) => s + r.amount, 0);
      setImmediate(
        () =>
          void deliver('charge.refunded', {
            id: refund.charge,
            object: 'charge',
            payment_intent: request.paymentIntentId,
            amount_refunded: refunded,
          }),
      );
      return toProviderRefund(refund);
    },

    async listRefunds(paymentIntentId) {
      return [...refunds.values()]
        .filter((r) => r.payment_intent === paymentIntentId)
        .reverse()
        .map(toProviderRefund);
    },

    verifyWebhook: (rawBody, signatureHeader) =>
      verifyStripeWebhook(rawBody, signatureHeader, opts.webhookSecret),

    getSession(sessionId) {
      const stored = lookup(sessionId);
      if (!stored) return undefined;
      return {
        session: toCheckoutSession(stored.raw),
        lineItems: stored.lineItems,
        shippingCents: stored.shippingCents,
        customerName: stored.customerName,
        successUrl: stored.successUrl,
        cancelUrl: stored.cancelUrl,
      };
    },

    async pay(sessionId, how = 'card', buyer = {}) {
      const stored = get(sessionId);
      requireOpen(stored);
      const name = buyer.name?.trim() || stored.customerName || 'Sim Buyer';
      const email = buyer.email?.trim() || stored.raw.customer_email || 'buyer@example.com';
      const street = buyer.street?.trim();
      const address = street ? { ...SIMULATED_ADDRESS, line1: street } : SIMULATED_ADDRESS;
      stored.cardFingerprint = simulatedCardFingerprint(buyer.card);
      Object.assign(stored.raw, {
        status: 'complete',
        payment_status: how === 'card' ? 'paid' : 'unpaid',
        payment_intent: rid('pi_sim'),
        customer_details: { email, name, phone: null, address },
        collected_information: { shipping_details: { name, address } },
      });
      await deliver('checkout.session.completed', stored.raw);
      if (how === 'delayed_success') {
        later(async () => {
          stored.raw.payment_status = 'paid';
          await deliver('checkout.session.async_payment_succeeded', stored.raw);
        });
      } else if (how === 'delayed_failure') {
        later(() => deliver('checkout.session.async_payment_failed', stored.raw));
      }
      return stored.successUrl.replace('{CHECKOUT_SESSION_ID}', encodeURIComponent(sessionId));
    },

    async cancel(sessionId) {
      const stored = get(sessionId);
      requireOpen(stored);
      stored.raw.status = 'expired';
      await deliver('checkout.session.expired', stored.raw);
      return stored.cancelUrl;
    },
  };
  return simulator;
}
