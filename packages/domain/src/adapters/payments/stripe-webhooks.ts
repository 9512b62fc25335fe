import Stripe from 'stripe';
import { PaymentProviderError, type PaymentWebhookEvent } from '../../ports/payments.js';
import { toWebhookEvent } from './stripe-mapping.js';

/** Stripe's default and ours (B5): a signature older than 5 minutes is refused (replay protection). */
export const WEBHOOK_TOLERANCE_SECONDS = 300;

/**
 * Verifies a Stripe-signed webhook over the exact raw bytes (security rule 2) with the SDK's own
 * verifier. Shared by the Stripe adapter and the simulator, which signs its events the same way.
 */
export function verifyStripeWebhook(
  rawBody: Buffer,
  signatureHeader: string,
  secret: string,
): PaymentWebhookEvent {
  try {
    const event = Stripe.webhooks.constructEvent(rawBody, signatureHeader, secret, WEBHOOK_TOLERANCE_SECONDS);
    return toWebhookEvent(event);
  } catch (error) {
    throw new PaymentProviderError('Invalid webhook signature', 'invalid_signature', { cause: error });
  }
}

/**
 * Signs a payload the way Stripe does (the SDK's test-header helper): used by the simulator to post its
 * events to the real webhook route, and by tests. `timestamp` is epoch seconds.
 */
export function signStripeWebhookPayload(payload: string, secret: string, timestamp?: number): string {
  return Stripe.webhooks.generateTestHeaderString({
    payload,
    secret,
    ...(timestamp === undefined ? {} : { timestamp }),
  });
}
