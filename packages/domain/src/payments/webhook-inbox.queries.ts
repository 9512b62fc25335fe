import { eq, ne, sql } from 'drizzle-orm';
import { stripeWebhookEvents, type Executor, type WebhookStatus } from '@popbox/db';
import type { PaymentWebhookEvent } from '../ports/payments.js';

/** Text PostgreSQL can store (no NUL) and of a sane size; anything else is not kept. */
const str = (v: unknown): string | null =>
  typeof v === 'string' && v.length <= 500 && !v.includes('\u0000') ? v : null;
const num = (v: unknown): number | null => (typeof v === 'number' ? v : null);

/** The slim payload kept for each event (spec "stripe_webhook_events"), never the whole body. */
export function slimEventPayload(event: PaymentWebhookEvent): Record<string, unknown> {
  const o = event.object;
  const metadata = (o.metadata ?? {}) as Record<string, unknown>;
  const pi = o.payment_intent;
  return {
    eventId: event.id,
    type: event.type,
    apiVersion: event.apiVersion,
    created: event.created,
    livemode: event.livemode,
    objectId: str(o.id),
    orderId: str(metadata.orderId),
    orderPublicId: str(metadata.orderPublicId),
    status: str(o.status),
    paymentStatus: str(o.payment_status),
    amountTotal: num(o.amount_total),
    amountSubtotal: num(o.amount_subtotal),
    currency: str(o.currency)?.toUpperCase() ?? null,
    paymentIntentId: typeof pi === 'string' ? pi : str((pi as { id?: unknown } | null)?.id),
  };
}

export async function eventStatus(db: Executor, eventId: string): Promise<WebhookStatus | null> {
  const [row] = await db
    .select({ status: stripeWebhookEvents.status })
    .from(stripeWebhookEvents)
    .where(eq(stripeWebhookEvents.stripeEventId, eventId));
  return row?.status ?? null;
}

/** Inserts the event as `received` unless known; returns its current status. */
export async function recordEventReceived(db: Executor, event: PaymentWebhookEvent): Promise<WebhookStatus> {
  await db
    .insert(stripeWebhookEvents)
    .values({
      stripeEventId: event.id,
      eventType: event.type.slice(0, 160),
      status: 'received',
      payload: slimEventPayload(event),
    })
    .onConflictDoNothing({ target: stripeWebhookEvents.stripeEventId });
  return (await eventStatus(db, event.id)) ?? 'received';
}

export async function markEventProcessed(db: Executor, eventId: string, now: Date): Promise<void> {
  await db
    .update(stripeWebhookEvents)
    .set({ status: 'processed', processedAt: now, errorMessage: null })
    .where(eq(stripeWebhookEvents.stripeEventId, eventId));
}

/** B5 step 7: a failed event stays re-processable (only `processed` short-circuits a redelivery). */
export async function markEventFailed(
  db: Executor,
  event: PaymentWebhookEvent,
  message: string,
): Promise<void> {
  await db
    .insert(stripeWebhookEvents)
    .values({
      stripeEventId: event.id,
      eventType: event.type.slice(0, 160),
      status: 'failed',
      payload: slimEventPayload(event),
      errorMessage: message.slice(0, 2000),
    })
    .onConflictDoUpdate({
      target: stripeWebhookEvents.stripeEventId,
      set: { status: 'failed', errorMessage: sql`excluded.error_message`, processedAt: null },
      setWhere: ne(stripeWebhookEvents.status, 'processed'),
    });
}
