import type Stripe from 'stripe';
import { loadOnce } from '../../shared/load-once.js';
import {
  PaymentProviderError,
  type CheckoutSession,
  type CreateCheckoutSessionRequest,
  type CreateRefundRequest,
  type ExpireSessionResult,
  type PaymentsPort,
  type ProviderRefund,
} from '../../ports/payments.js';
import { toCheckoutSession, toProviderRefund } from './stripe-mapping.js';
import { loadedStripe, loadStripe, verifyStripeWebhook } from './stripe-webhooks.js';

/** B21: the API version this code is written against (pinned, not the SDK's latest). */
export const STRIPE_API_VERSION = '2026-02-25.clover';

export interface StripePaymentsOptions {
  secretKey: string;
  /** Absent in a process that never receives webhooks (the jobs app): verifying then always refuses. */
  webhookSecret?: string | undefined;
  /** Another API base (tests: the fake Stripe server on 127.0.0.1), e.g. `http://127.0.0.1:12111`. */
  apiBase?: string | undefined;
}

/** Builds the SDK client: pinned API version, 2 automatic network retries, 20 s timeout (B21). */
export async function createStripeClient(
  opts: Pick<StripePaymentsOptions, 'secretKey' | 'apiBase'>,
): Promise<Stripe> {
  const base = opts.apiBase ? new URL(opts.apiBase) : undefined;
  const sdk = await loadStripe();
  return new sdk(opts.secretKey, {
    apiVersion: STRIPE_API_VERSION as Stripe.LatestApiVersion,
    maxNetworkRetries: 2,
    timeout: 20_000,
    telemetry: false,
    ...(base
      ? {
          host: base.hostname,
          port: base.port || (base.protocol === 'https:' ? 443 : 80),
          protocol: base.protocol === 'https:' ? 'https' : 'http',
        }
      : {}),
  });
}

/** Maps SDK failures onto the port's kinds; the domain turns them into 404 / 409 / 502. */
export function toProviderError(error: unknown, action: string): PaymentProviderError {
  if (error instanceof PaymentProviderError) return error;
  const sdk = loadedStripe();
  if (sdk && error instanceof sdk.errors.StripeError) {
    if (error.code === 'resource_missing' || error.statusCode === 404) {
      return new PaymentProviderError(`Stripe: ${action}: not found`, 'not_found', { cause: error });
    }
    if (
      error instanceof sdk.errors.StripeInvalidRequestError ||
      error instanceof sdk.errors.StripeIdempotencyError ||
      error instanceof sdk.errors.StripeCardError
    ) {
      return new PaymentProviderError(`Stripe: ${action}: ${error.message}`, 'invalid_request', {
        cause: error,
      });
    }
  }
  return new PaymentProviderError(`Stripe: ${action} failed`, 'unavailable', { cause: error });
}

async function call<T>(action: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (error) {
    throw toProviderError(error, action);
  }
}

/** The production payments adapter: Stripe Checkout Sessions, refunds and signed webhooks. */
export function stripePayments(opts: StripePaymentsOptions): PaymentsPort {
  // Created on the first call (issue 14): the SDK is not loaded until a payment needs it.
  const stripe = loadOnce(() => createStripeClient(opts));

  return {
    kind: 'stripe',

    createCheckoutSession: (request: CreateCheckoutSessionRequest): Promise<CheckoutSession> =>
      call('create checkout session', async () => {
        const currency = request.currency.toLowerCase();
        const metadata = { orderId: request.orderId, orderPublicId: request.orderPublicId };
        const session = await (
          await stripe()
        ).checkout.sessions.create(
          {
            mode: 'payment',
            success_url: request.successUrl,
            cancel_url: request.cancelUrl,
            automatic_tax: { enabled: true },
            billing_address_collection: 'required',
            ...(request.customerEmail ? { customer_email: request.customerEmail } : {}),
            shipping_address_collection: { allowed_countries: ['CA'] },
            expires_at: Math.ceil(request.expiresAt.getTime() / 1000),
            line_items: request.lineItems.map((line) => ({
              quantity: line.quantity,
              price_data: {
                currency,
                unit_amount: line.unitAmountCents,
                product_data: {
                  name: line.name,
                  ...(line.description?.trim() ? { description: line.description.trim() } : {}),
                },
              },
            })),
            shipping_options: [
              {
                shipping_rate_data: {
                  type: 'fixed_amount',
                  display_name: 'Canada shipping',
                  fixed_amount: { amount: request.shippingCents, currency },
                },
              },
            ],
            metadata,
            payment_intent_data: { metadata },
          },
          { idempotencyKey: request.idempotencyKey },
        );
        return toCheckoutSession(session);
      }),

    retrieveCheckoutSession: (sessionId: string) =>
      call('retrieve checkout session', async () =>
        // Issue 13: the charge's card fingerprint comes with the session (purchase caps by card).
        toCheckoutSession(
          await (
            await stripe()
          ).checkout.sessions.retrieve(sessionId, { expand: ['payment_intent.latest_charge'] }),
        ),
      ),

    async expireCheckoutSession(sessionId: string): Promise<ExpireSessionResult> {
      try {
        await (await stripe()).checkout.sessions.expire(sessionId);
        return 'expired';
      } catch (error) {
        const mapped = toProviderError(error, 'expire checkout session');
        if (mapped.kind === 'not_found') return 'not_found';
        if (mapped.kind !== 'invalid_request') throw mapped;
        // Stripe refuses to expire a session that is no longer open: check that this is the reason.
        const current = await call('retrieve checkout session', async () =>
          (await stripe()).checkout.sessions.retrieve(sessionId),
        );
        if (current.status !== 'open') return 'not_open';
        throw mapped;
      }
    },

    createRefund: (request: CreateRefundRequest): Promise<ProviderRefund> =>
      call('create refund', async () =>
        toProviderRefund(
          await (
            await stripe()
          ).refunds.create(
            {
              payment_intent: request.paymentIntentId,
              amount: request.amountCents,
              metadata: request.metadata,
            },
            { idempotencyKey: request.idempotencyKey },
          ),
        ),
      ),

    listRefunds: (paymentIntentId: string) =>
      call('list refunds', async () => {
        const refunds: ProviderRefund[] = [];
        // Auto-pagination follows `starting_after` until `has_more` is false.
        for await (const refund of (await stripe()).refunds.list({
          payment_intent: paymentIntentId,
          limit: 100,
        })) {
          refunds.push(toProviderRefund(refund));
        }
        return refunds;
      }),

    async verifyWebhook(rawBody, signatureHeader) {
      if (!opts.webhookSecret) {
        throw new PaymentProviderError('No webhook secret configured', 'invalid_signature');
      }
      return verifyStripeWebhook(rawBody, signatureHeader, opts.webhookSecret);
    },
  };
}
