import type { Tx } from '@popbox/db';
import type { Deps } from '../shared/deps.js';
import { CURRENCY, IDEMPOTENCY_RETRY_AFTER_SECONDS } from '../shared/constants.js';
import { DomainError } from '../shared/errors.js';
import { PaymentProviderError, type CheckoutSession } from '../ports/payments.js';
import { closeSessionsInBackground, providerFailure } from '../payments/provider-errors.js';
import { completeIdempotencyKey } from './idempotency.queries.js';
import { attachSessionToOrder } from './attach-session.queries.js';
import { lockCheckoutKey } from './checkout-key.queries.js';
import { cancelFailedCheckoutIn } from './cancel-failed-checkout.js';

export interface CheckoutSessionResult {
  checkoutUrl: string;
  sessionId: string;
  publicId: string;
  orderId: string;
}

/**
 * Everything the provider request is built from, all of it stored with the order, so the request a retry
 * sends after a crash is byte-for-byte the first one (the provider's idempotency key then returns the same
 * session instead of opening a second one).
 */
export interface PayableOrder {
  orderId: string;
  publicId: string;
  shippingCents: number;
  lines: Array<{ name: string; description: string | null; unitPriceCents: number; quantity: number }>;
  email: string | null;
  name: string | null;
  sessionExpiresAt: Date;
}

/** Derived from the order, never from the client's key: one order can never get two sessions (F3, F6). */
const providerIdempotencyKey = (orderId: string) => `checkout-session:${orderId}`;

/**
 * After the order committed: the provider session (network, outside any transaction), then the session
 * saved together with the key's stored response. `first` is the request that placed the order: if the
 * provider fails it compensates (B3) — unless a retry already finished the key, whose answer it then gives.
 * `resume` is a retry of a request that died after committing: it never compensates (the first request may
 * still be running); a failure leaves the key for the next retry.
 */
export async function openPaymentSession(
  deps: Deps,
  payable: PayableOrder,
  claimId: string,
  mode: 'first' | 'resume',
): Promise<CheckoutSessionResult> {
  let session: CheckoutSession | undefined;
  try {
    session = await deps.payments.createCheckoutSession({
      orderId: payable.orderId,
      orderPublicId: payable.publicId,
      currency: CURRENCY,
      lineItems: payable.lines.map((l) => ({
        name: l.name,
        description: l.description,
        unitAmountCents: l.unitPriceCents,
        quantity: l.quantity,
      })),
      shippingCents: payable.shippingCents,
      customerEmail: payable.email,
      customerName: payable.name,
      successUrl: deps.config.checkout.successUrl,
      cancelUrl: deps.config.checkout.cancelUrl,
      expiresAt: payable.sessionExpiresAt,
      idempotencyKey: providerIdempotencyKey(payable.orderId),
    });
    if (!session.url) throw new PaymentProviderError('The payment session has no hosted URL', 'unavailable');
    return await attachSession(deps, payable, session, claimId);
  } catch (error) {
    deps.logger.error(
      {
        err: error,
        flow: 'checkout_session_create',
        orderId: payable.orderId,
        publicId: payable.publicId,
        mode,
      },
      mode === 'first' ? 'checkout session creation failed; compensating' : 'resuming a checkout failed',
    );
    if (mode === 'resume') {
      if (!(error instanceof DomainError)) throw stillInProgress(error);
      if (session) closeSessionsInBackground(deps, [session.id]); // F6: the order is no longer payable
      throw error;
    }
    const finished = await compensate(deps, payable.orderId, claimId);
    if (finished) return finished;
    if (session) closeSessionsInBackground(deps, [session.id]); // F6
    throw providerFailure(error);
  }
}

/**
 * A resume that could not reach the provider: the first request may still be talking to it (the provider
 * refuses a concurrent use of one idempotency key), or the provider is down. Either way the key stays open
 * and the next retry resumes again: 409 + Retry-After (F3), not a compensation.
 */
const stillInProgress = (cause: unknown) =>
  new DomainError(
    'IDEMPOTENCY_IN_FLIGHT',
    'This checkout is still being opened; retry shortly',
    { retryAfterSeconds: IDEMPOTENCY_RETRY_AFTER_SECONDS },
    { cause },
  );

async function attachSession(
  deps: Pick<Deps, 'db' | 'clock'>,
  payable: PayableOrder,
  session: CheckoutSession,
  claimId: string,
): Promise<CheckoutSessionResult> {
  const result: CheckoutSessionResult = {
    checkoutUrl: session.url!,
    sessionId: session.id,
    publicId: payable.publicId,
    orderId: payable.orderId,
  };
  const outcome = await attachSessionToOrder(deps.db, {
    claimId,
    orderId: payable.orderId,
    session,
    answer: result,
    now: deps.clock.now(),
  });
  const stored = storedSuccess(outcome.key);
  if (stored) {
    if (stored.sessionId === session.id) return stored; // the other request got there first
    throw new DomainError('CHECKOUT_NOT_REUSABLE', 'The order already has another payment session');
  }
  if (outcome.key?.state === 'completed') {
    throw new DomainError('CHECKOUT_NOT_REUSABLE', 'This checkout failed; start again with a new key');
  }
  if (!outcome.attached) throw new DomainError('CHECKOUT_NOT_REUSABLE', 'The order is no longer payable');
  return result;
}

/** B3 compensation, unless a retry already finished the key (then its answer stands). */
async function compensate(
  deps: Pick<Deps, 'db' | 'clock'>,
  orderId: string,
  claimId: string,
): Promise<CheckoutSessionResult | null> {
  return deps.db.transaction(async (tx: Tx) => {
    const stored = storedSuccess(await lockCheckoutKey(tx, claimId));
    if (stored) return stored;
    await cancelFailedCheckoutIn(tx, deps, orderId);
    await completeIdempotencyKey(tx, claimId, {
      status: 502,
      body: null,
      resourceId: orderId,
      now: deps.clock.now(),
    });
    return null;
  });
}

function storedSuccess(
  key: { state: string; responseStatus: number | null; responseBody: unknown } | undefined,
): CheckoutSessionResult | null {
  return key?.state === 'completed' && key.responseStatus === 201
    ? (key.responseBody as CheckoutSessionResult)
    : null;
}
