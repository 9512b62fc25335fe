import { sql } from 'drizzle-orm';
import {
  bigint,
  check,
  index,
  integer,
  jsonb,
  pgSequence,
  pgTable,
  text,
  uuid,
  varchar,
} from 'drizzle-orm/pg-core';
import { users } from './auth.js';
import { createdAt, id, tstz, updatedAt } from './columns.js';
import { orders } from './orders.js';

export const emailOutboxStatuses = ['queued', 'sending', 'sent', 'failed'] as const;
export type EmailOutboxStatus = (typeof emailOutboxStatuses)[number];

/**
 * Kinds in use: order_confirmation, shop_notification, shop_alert, shipped, shipment_updated, refund,
 * contact, access_link, alert_confirmation, alert. Free text (no check) so a new kind needs no migration.
 */
export type EmailKind =
  | 'order_confirmation'
  | 'shop_notification'
  | 'shop_alert'
  | 'shipped'
  | 'shipment_updated'
  | 'refund'
  | 'contact'
  | 'access_link'
  | 'alert_confirmation'
  | 'alert'
  | 'purchase_limit';

/**
 * F7: transactional outbox. Rows are written in the same transaction as the state change; the jobs app
 * claims `queued` rows whose `next_attempt_at` has passed (setting `sending` + `locked_until` so a crashed
 * worker's claim lapses), and `dedupe_key` makes "send once" emails impossible to enqueue twice.
 */
export const emailOutbox = pgTable(
  'email_outbox',
  {
    id: id(),
    kind: varchar('kind', { length: 40 }).$type<EmailKind>().notNull(),
    toEmail: varchar('to_email', { length: 320 }).notNull(),
    replyTo: varchar('reply_to', { length: 320 }),
    subject: varchar('subject', { length: 300 }).notNull(),
    html: text('html').notNull(),
    text: text('text').notNull(),
    orderId: uuid('order_id').references(() => orders.id, { onDelete: 'set null' }),
    /** Extra message headers (issue 13: List-Unsubscribe on alert emails), passed to the provider as is. */
    headers: jsonb('headers').$type<Record<string, string>>(),
    dedupeKey: varchar('dedupe_key', { length: 200 }).unique('email_outbox_dedupe_key_key'),
    status: text('status', { enum: emailOutboxStatuses }).notNull().default('queued'),
    attempts: integer('attempts').notNull().default(0),
    maxAttempts: integer('max_attempts').notNull().default(8),
    nextAttemptAt: tstz('next_attempt_at').notNull().defaultNow(),
    lockedUntil: tstz('locked_until'),
    lastError: text('last_error'),
    providerMessageId: varchar('provider_message_id', { length: 200 }),
    sentAt: tstz('sent_at'),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
    /**
     * Issue 15: write order. Ids are random and rows of one transaction share `created_at`, so this identity
     * is what "delivered in the order they were written" means for the messages of one order.
     */
    seq: bigint('seq', { mode: 'number' }).generatedAlwaysAsIdentity().notNull(),
  },
  (t) => [
    check('email_outbox_status_check', sql`${t.status} in ('queued', 'sending', 'sent', 'failed')`),
    check('email_outbox_attempts_check', sql`${t.attempts} >= 0`),
    check('email_outbox_max_attempts_check', sql`${t.maxAttempts} > 0`),
    index('email_outbox_status_next_attempt_at_idx').on(t.status, t.nextAttemptAt),
    index('email_outbox_order_id_created_at_idx').on(t.orderId, t.createdAt),
    /** The claim's "no earlier message of this order is still pending" check. */
    index('email_outbox_pending_order_seq_idx')
      .on(t.orderId, t.seq)
      .where(sql`${t.status} in ('queued', 'sending') and ${t.orderId} is not null`),
  ],
);

/** F13: one row per admin mutation, written in the mutation's transaction. */
export const adminAuditLog = pgTable(
  'admin_audit_log',
  {
    id: id(),
    actorUserId: uuid('actor_user_id').references(() => users.id, { onDelete: 'set null' }),
    /** Kept so the trail stays readable after the staff account is removed. */
    actorEmail: varchar('actor_email', { length: 320 }),
    action: varchar('action', { length: 100 }).notNull(),
    entityType: varchar('entity_type', { length: 60 }).notNull(),
    entityId: varchar('entity_id', { length: 100 }),
    before: jsonb('before'),
    after: jsonb('after'),
    requestId: varchar('request_id', { length: 100 }),
    createdAt: createdAt(),
  },
  (t) => [
    index('admin_audit_log_created_at_id_idx').on(t.createdAt.desc().nullsFirst(), t.id.desc().nullsFirst()),
    index('admin_audit_log_entity_idx').on(t.entityType, t.entityId, t.createdAt),
    index('admin_audit_log_actor_idx').on(t.actorUserId, t.createdAt),
    index('admin_audit_log_action_idx').on(t.action, t.createdAt),
  ],
);

export const jobRunStatuses = ['running', 'succeeded', 'failed', 'skipped'] as const;
export type JobRunStatus = (typeof jobRunStatuses)[number];

/** F15: last run and result of each background job, shown to admins. */
export const jobRuns = pgTable(
  'job_runs',
  {
    id: id(),
    jobName: varchar('job_name', { length: 100 }).notNull(),
    startedAt: tstz('started_at').notNull(),
    finishedAt: tstz('finished_at'),
    status: text('status', { enum: jobRunStatuses }).notNull(),
    result: jsonb('result'),
    error: text('error'),
  },
  (t) => [
    check('job_runs_status_check', sql`${t.status} in ('running', 'succeeded', 'failed', 'skipped')`),
    index('job_runs_job_name_started_at_idx').on(t.jobName, t.startedAt.desc().nullsFirst()),
  ],
);

/** Shared store for express-rate-limit so limits hold across API replicas. */
export const rateLimitHits = pgTable(
  'rate_limit_hits',
  {
    key: varchar('key', { length: 300 }).primaryKey(),
    hits: integer('hits').notNull(),
    resetAt: tstz('reset_at').notNull(),
  },
  // Expired windows are swept by reset_at.
  (t) => [index('rate_limit_hits_reset_at_idx').on(t.resetAt)],
);

/**
 * Issue 14: the version of everything an anonymous public read returns, apart from the volatile numbers
 * (stock, kuji counts, trending) that public caches expire within a second instead. Statement-level
 * triggers take `nextval` in the same transaction as every catalog/content write and announce it with
 * `pg_notify('public_read', version)` (delivered at commit), so every API replica drops its cached public
 * reads exactly when they change. A sequence rather than a one-row table: `nextval` never waits for another
 * transaction, so concurrent admin writes neither serialise on it nor deadlock (a row bumped mid-transaction
 * stays locked until commit). Kept off the checkout hot path on purpose.
 */
export const publicReadVersion = pgSequence('public_read_version', { startWith: 1, cache: 1 });
