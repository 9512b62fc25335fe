import type { Tx } from '@popbox/db';
import type { Deps } from '../shared/deps.js';
import { DomainError } from '../shared/errors.js';
import { isLockNotAvailable } from '@popbox/db';
import { transactionLock, withLockWait } from '../shared/locks.js';
import { IDEMPOTENCY_RETRY_AFTER_SECONDS, WEBHOOK_EVENT_LOCK_WAIT_MS } from '../shared/constants.js';
import {
  PaymentProviderError,
  type CheckoutSession,
  type PaymentWebhookEvent,
  type ProviderRefund,
} from '../ports/payments.js';
import { providerFailure } from './provider-errors.js';
import {
  eventStatus,
  markEventFailed,
  markEventProcessed,
  recordEventReceived,
} from './webhook-inbox.queries.js';
import { finalisePayment, type FinalisationOutcome } from './finalise-payment.js';
import { refundOverCapOrder } from '../caps/refund-over-cap-order.js';
import { expireOrderForSession, failDelayedPayment, holdForDelayedPayment } from './session-events.js';
import { applyProviderRefunds } from '../refunds/apply-provider-refunds.js';
import { DEFAULT_VOID_REASON } from '../refunds/refund.rules.js';

export interface WebhookReceipt {
  received: true;
  duplicate: boolean;
}

/** What an event needs from the provider, fetched BEFORE the transaction (no network inside it). */
type Prepared =
  | { kind: 'session'; session: CheckoutSession }
  | { kind: 'refunds'; paymentIntentId: string; refunds: ProviderRefund[] }
  | { kind: 'none' };

const SESSION_EVENTS = new Set([
  'checkout.session.completed',
  'checkout.session.async_payment_succeeded',
  'checkout.session.async_payment_failed',
  'checkout.session.expired',
]);
const REFUND_EVENTS = new Set(['charge.refunded', 'refund.created', 'refund.updated', 'refund.failed']);

async function verify(
  deps: Pick<Deps, 'payments'>,
  rawBody: Buffer,
  header: string | string[] | undefined,
): Promise<PaymentWebhookEvent> {
  const signature = Array.isArray(header) ? (header.length === 1 ? header[0] : undefined) : header;
  if (typeof signature !== 'string' || !signature.trim()) {
    throw new DomainError('INVALID_SIGNATURE', 'A single stripe-signature header is required');
  }
  let event: PaymentWebhookEvent;
  try {
    event = await deps.payments.verifyWebhook(rawBody, signature);
  } catch (error) {
    if (error instanceof PaymentProviderError && error.kind === 'invalid_signature') {
      throw new DomainError('INVALID_SIGNATURE', 'Invalid webhook signature', undefined, { cause: error });
    }
    throw error;
  }
  assertWellFormed(event);
  return event;
}

/**
 * Stripe's event ids are short ASCII tokens (`evt_…`) and its types dotted lower-case names. A signed event
 * that breaks that shape was not produced by Stripe (a test tool or a leaked secret): 400 in our error shape,
 * before anything reaches the database (a NUL or an over-long id used to end in a 500, which the sender would
 * retry for days). A 4xx rather than a 200: we cannot identify the event, so we must not claim we took it.
 */
function assertWellFormed(event: PaymentWebhookEvent): void {
  if (typeof event.id !== 'string' || !EVENT_ID.test(event.id)) {
    throw new DomainError('BAD_REQUEST', 'The event id is not a valid event id', { field: 'id' });
  }
  if (typeof event.type !== 'string' || !EVENT_TYPE.test(event.type)) {
    throw new DomainError('BAD_REQUEST', 'The event type is not a valid event type', { field: 'type' });
  }
}
const EVENT_ID = /^[A-Za-z0-9_-]{1,255}$/;
const EVENT_TYPE = /^[A-Za-z0-9_.-]{1,160}$/;

/** A duplicate of an event still being processed: the sender must deliver it again (never a 2xx). */
const eventInProgress = () =>
  new DomainError('EVENT_IN_PROGRESS', 'This event is still being processed; deliver it again later', {
    retryAfterSeconds: IDEMPOTENCY_RETRY_AFTER_SECONDS,
  });

async function prepare(deps: Pick<Deps, 'payments'>, event: PaymentWebhookEvent): Promise<Prepared> {
  try {
    if (SESSION_EVENTS.has(event.type)) {
      if (typeof event.object.id !== 'string')
        throw new DomainError('BAD_REQUEST', 'Event has no session id');
      // Never trust the body's copy: the provider's current view of the session decides (security rule 1).
      return { kind: 'session', session: await deps.payments.retrieveCheckoutSession(event.object.id) };
    }
    if (REFUND_EVENTS.has(event.type)) {
      const pi = event.object.payment_intent;
      const paymentIntentId = typeof pi === 'string' ? pi : (pi as { id?: string } | null)?.id;
      if (!paymentIntentId) return { kind: 'none' };
      return { kind: 'refunds', paymentIntentId, refunds: await deps.payments.listRefunds(paymentIntentId) };
    }
    return { kind: 'none' };
  } catch (error) {
    throw providerFailure(error);
  }
}

async function apply(
  deps: Deps,
  tx: Tx,
  event: PaymentWebhookEvent,
  prepared: Prepared,
): Promise<FinalisationOutcome | null> {
  if (prepared.kind === 'refunds') {
    // F4/F9: refunds made anywhere follow the provider's status; the aggregate and the emails follow them.
    await applyProviderRefunds(deps, tx, {
      paymentIntentId: prepared.paymentIntentId,
      refunds: prepared.refunds,
      voidReason: DEFAULT_VOID_REASON,
    });
    return null;
  }
  if (prepared.kind !== 'session') return null; // recorded and acknowledged, nothing else
  const { session } = prepared;
  switch (event.type) {
    case 'checkout.session.completed':
    case 'checkout.session.async_payment_succeeded':
      // F4: only money finalises; completed-but-unpaid keeps the order pending with its stock held.
      if (session.paymentStatus === 'paid') return finalisePayment(deps, tx, session);
      if (event.type === 'checkout.session.completed') await holdForDelayedPayment(deps, tx, session);
      return null;
    case 'checkout.session.async_payment_failed':
      await failDelayedPayment(deps, tx, session);
      return null;
    case 'checkout.session.expired':
      await expireOrderForSession(deps, tx, session);
      return null;
  }
  return null;
}

/**
 * B5 (with F4): verify the signature over the raw bytes, then apply the event at most once. The inbox row,
 * the side effects and the `processed` mark commit together, under a transaction-scoped advisory lock on
 * the event id (safe behind a transaction pooler). A concurrent duplicate waits for the first delivery's
 * outcome (bounded; past the bound it answers 409 so the provider retries); a later duplicate is
 * acknowledged with no effect; a failure marks the event `failed` and propagates so the provider delivers
 * it again.
 */
export async function receivePaymentWebhook(
  deps: Deps,
  rawBody: Buffer,
  /** The `stripe-signature` header; several values (an array) are refused. */
  signature: string | string[] | undefined,
): Promise<WebhookReceipt> {
  const event = await verify(deps, rawBody, signature);
  if ((await eventStatus(deps.db, event.id)) === 'processed') return { received: true, duplicate: true };
  let outcome: FinalisationOutcome | null = null;
  let receipt: WebhookReceipt;
  try {
    const prepared = await prepare(deps, event);
    receipt = await deps.db.transaction(async (tx) => {
      // A duplicate waits for the delivery in progress (its transaction holds no network call, so the wait
      // is short): only once that one committed `processed` is it a duplicate; if it rolled back, this
      // delivery does the work. A 2xx is never given for an event whose effects are not committed.
      // A wait that runs out aborts this transaction, which is thrown away with the answer anyway.
      const lock = `stripe:webhook:${event.id}`;
      await withLockWait(tx, WEBHOOK_EVENT_LOCK_WAIT_MS, () => transactionLock(tx, lock)).catch(
        (error: unknown) => {
          throw isLockNotAvailable(error) ? eventInProgress() : error;
        },
      );
      if ((await recordEventReceived(tx, event)) === 'processed')
        return { received: true, duplicate: true } as const;
      outcome = await apply(deps, tx, event, prepared);
      await markEventProcessed(tx, event.id, deps.clock.now());
      return { received: true, duplicate: false } as const;
    });
  } catch (error) {
    if (error instanceof DomainError && error.code === 'EVENT_IN_PROGRESS') throw error; // the other delivery decides
    deps.logger.error(
      { err: error, flow: 'stripe_webhook', eventId: event.id, type: event.type, objectId: event.object.id },
      'webhook processing failed',
    );
    await markEventFailed(deps.db, event, error instanceof Error ? error.message : String(error)).catch(
      (err: unknown) => deps.logger.error({ err, eventId: event.id }, 'could not mark webhook event failed'),
    );
    throw error;
  }
  // Issue 13: an over-cap paid order the shop refunds automatically — after commit, never inside it.
  const finalised = outcome as FinalisationOutcome | null;
  if (finalised?.outcome === 'needs_attention' && finalised.autoRefund) {
    await refundOverCapOrder(deps, finalised.orderId);
  }
  return receipt;
}
