import type Stripe from 'stripe';
import { loadOnce } from '../../shared/load-once.js';
import { PaymentProviderError, type PaymentWebhookEvent } from '../../ports/payments.js';
import { toWebhookEvent } from './stripe-mapping.js';

/** Stripe's default and ours (B5): a signature older than 5 minutes is refused (replay protection). */
export const WEBHOOK_TOLERANCE_SECONDS = 300;

let loaded: typeof Stripe | undefined;

/**
 * The Stripe SDK, loaded on first use (issue 14, lean memory): its ~220 modules cost the API ~30 MB of RSS,
 * and a process that serves reads never needs them.
 */
export const loadStripe = loadOnce(() => import('stripe').then((module) => (loaded = module.default)));

/** The SDK if something has loaded it already: before that, no error can be one of its errors. */
export function loadedStripe(): typeof Stripe | undefined {
  return loaded;
}

/**
 * Verifies a Stripe-signed webhook over the exact raw bytes (security rule 2) with the SDK's own
 * verifier. Shared by the Stripe adapter and the simulator, which signs its events the same way.
 */
export async function verifyStripeWebhook(
  rawBody: Buffer,
  signatureHeader: string,
  secret: string,
): Promise<PaymentWebhookEvent> {
  const sdk = await loadStripe();
  try {
    const event = sdk.webhooks.constructEvent(rawBody, signatureHeader, secret, WEBHOOK_TOLERANCE_SECONDS);
    return toWebhookEvent(event);
  } catch (error) {
    throw new PaymentProviderError('Invalid webhook signature', 'invalid_signature', { cause: error });
  }
}

/**
 * Signs a payload the way Stripe does (the SDK's test-header helper): used by the simulator to post its
 * events to the real webhook route, and by tests. `timestamp` is epoch seconds.
 */
export async function signStripeWebhookPayload(
  payload: string,
  secret: string,
  timestamp?: number,
): Promise<string> {
  const sdk = await loadStripe();
  return sdk.webhooks.generateTestHeaderString({
    payload,
    secret,
    ...(timestamp === undefined ? {} : { timestamp }),
  });
}
