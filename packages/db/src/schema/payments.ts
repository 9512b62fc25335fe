import { sql } from 'drizzle-orm';
import { check, index, integer, jsonb, pgTable, text, unique, uuid, varchar } from 'drizzle-orm/pg-core';
import { createdAt, id, tstz, updatedAt } from './columns.js';
import { paymentProvider, paymentStatus, webhookStatus } from './enums.js';
import { orders } from './orders.js';

/** One per order. `raw_response` holds a slim Checkout Session snapshot, never the full provider object. */
export const payments = pgTable(
  'payments',
  {
    id: id(),
    orderId: uuid('order_id')
      .notNull()
      .unique('payments_order_id_key')
      .references(() => orders.id, { onDelete: 'cascade' }),
    provider: paymentProvider('provider').notNull().default('stripe'),
    providerPaymentIntentId: varchar('provider_payment_intent_id', { length: 255 }).unique(
      'payments_provider_payment_intent_id_key',
    ),
    providerCheckoutSessionId: varchar('provider_checkout_session_id', { length: 255 }).unique(
      'payments_provider_checkout_session_id_key',
    ),
    amountCents: integer('amount_cents').notNull(),
    refundedAmountCents: integer('refunded_amount_cents').notNull().default(0),
    currency: varchar('currency', { length: 3 }).notNull().default('CAD'),
    status: paymentStatus('status').notNull().default('pending'),
    rawResponse: jsonb('raw_response').$type<Record<string, unknown>>(),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    check('payments_amount_cents_check', sql`${t.amountCents} >= 0`),
    check('payments_refunded_amount_cents_check', sql`${t.refundedAmountCents} >= 0`),
    check('payments_refunded_not_above_amount_check', sql`${t.refundedAmountCents} <= ${t.amountCents}`),
  ],
);

/**
 * Upserted by provider refund id. `status` is Stripe's refund status lower-cased (pending, succeeded,
 * failed, canceled, requires_action) or `unknown`; free text so a new Stripe status never fails a webhook.
 */
export const paymentRefunds = pgTable(
  'payment_refunds',
  {
    id: id(),
    paymentId: uuid('payment_id')
      .notNull()
      .references(() => payments.id, { onDelete: 'cascade' }),
    orderId: uuid('order_id')
      .notNull()
      .references(() => orders.id, { onDelete: 'cascade' }),
    providerRefundId: varchar('provider_refund_id', { length: 255 })
      .notNull()
      .unique('payment_refunds_provider_refund_id_key'),
    idempotencyKey: varchar('idempotency_key', { length: 255 }).unique('payment_refunds_idempotency_key_key'),
    amountCents: integer('amount_cents').notNull(),
    currency: varchar('currency', { length: 3 }).notNull().default('CAD'),
    status: text('status').notNull().default('unknown'),
    reason: text('reason'),
    providerCreatedAt: tstz('provider_created_at'),
    rawResponse: jsonb('raw_response').$type<Record<string, unknown>>(),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    check('payment_refunds_amount_cents_check', sql`${t.amountCents} >= 0`),
    index('payment_refunds_payment_id_idx').on(t.paymentId),
    index('payment_refunds_order_id_created_at_idx').on(t.orderId, t.createdAt),
  ],
);

/** Only `created_at` (spec); `processed_at` records the successful processing time. */
export const stripeWebhookEvents = pgTable(
  'stripe_webhook_events',
  {
    id: id(),
    stripeEventId: varchar('stripe_event_id', { length: 255 })
      .notNull()
      .unique('stripe_webhook_events_stripe_event_id_key'),
    eventType: varchar('event_type', { length: 160 }).notNull(),
    processedAt: tstz('processed_at'),
    status: webhookStatus('status').notNull().default('received'),
    payload: jsonb('payload').$type<Record<string, unknown>>().notNull(),
    errorMessage: text('error_message'),
    createdAt: createdAt(),
  },
  (t) => [index('stripe_webhook_events_status_created_at_idx').on(t.status, t.createdAt)],
);

export const idempotencyKeyStates = ['in_progress', 'completed'] as const;
export type IdempotencyKeyState = (typeof idempotencyKeyStates)[number];

/**
 * F3: Idempotency-Key bound to a fingerprint of the normalised request. The row is committed
 * `in_progress` before the work starts (so a concurrent duplicate finds it → 409), then `completed`
 * with the response to replay. Rows live at least 24 h (`expires_at`), then a job may delete them.
 */
export const idempotencyKeys = pgTable(
  'idempotency_keys',
  {
    id: id(),
    scope: varchar('scope', { length: 64 }).notNull(),
    key: varchar('key', { length: 255 }).notNull(),
    fingerprint: varchar('fingerprint', { length: 64 }).notNull(),
    state: text('state', { enum: idempotencyKeyStates }).notNull().default('in_progress'),
    responseStatus: integer('response_status'),
    responseBody: jsonb('response_body'),
    resourceId: uuid('resource_id'),
    createdAt: createdAt(),
    completedAt: tstz('completed_at'),
    expiresAt: tstz('expires_at').notNull(),
  },
  (t) => [
    check('idempotency_keys_state_check', sql`${t.state} in ('in_progress', 'completed')`),
    unique('idempotency_keys_scope_key_key').on(t.scope, t.key),
    index('idempotency_keys_expires_at_idx').on(t.expiresAt),
  ],
);
