import { sql } from 'drizzle-orm';
import {
  check,
  index,
  integer,
  pgTable,
  primaryKey,
  text,
  uniqueIndex,
  uuid,
  varchar,
} from 'drizzle-orm/pg-core';
import { products, tags } from './catalog.js';
import { createdAt, id, tstz } from './columns.js';

export const alertKinds = ['back_in_stock', 'sale_starts', 'new_board'] as const;
export type AlertKind = (typeof alertKinds)[number];

/** pending → confirmed (double opt-in) → notified (one-shot kinds, once emailed) | unsubscribed. */
export const alertSubscriptionStatuses = ['pending', 'confirmed', 'notified', 'unsubscribed'] as const;
export type AlertSubscriptionStatus = (typeof alertSubscriptionStatuses)[number];

/**
 * Issue 13: one address following one product (back_in_stock, sale_starts) or one series tag (new_board).
 * Nothing but the confirmation email is ever sent while `pending`. `confirm_nonce` makes the emailed confirm
 * link single use (cleared on confirmation); `unsubscribe_url` is the signed one-click link, rendered once by
 * the API so the jobs app needs neither the signing pepper nor the public URL to send alerts.
 */
export const alertSubscriptions = pgTable(
  'alert_subscriptions',
  {
    id: id(),
    email: varchar('email', { length: 320 }).notNull(),
    kind: text('kind', { enum: alertKinds }).notNull(),
    productId: uuid('product_id').references(() => products.id, { onDelete: 'cascade' }),
    tagId: uuid('tag_id').references(() => tags.id, { onDelete: 'cascade' }),
    status: text('status', { enum: alertSubscriptionStatuses }).notNull().default('pending'),
    confirmNonce: varchar('confirm_nonce', { length: 64 }),
    unsubscribeUrl: text('unsubscribe_url').notNull(),
    shopUrl: text('shop_url').notNull(),
    createdAt: createdAt(),
    confirmedAt: tstz('confirmed_at'),
    notifiedAt: tstz('notified_at'),
    unsubscribedAt: tstz('unsubscribed_at'),
  },
  (t) => [
    check('alert_subscriptions_kind_check', sql`${t.kind} in ('back_in_stock', 'sale_starts', 'new_board')`),
    check(
      'alert_subscriptions_status_check',
      sql`${t.status} in ('pending', 'confirmed', 'notified', 'unsubscribed')`,
    ),
    check(
      'alert_subscriptions_target_check',
      sql`(${t.kind} = 'new_board') = (${t.tagId} is not null and ${t.productId} is null)
          and (${t.kind} = 'new_board' or ${t.productId} is not null)`,
    ),
    uniqueIndex('alert_subscriptions_product_key')
      .on(t.email, t.kind, t.productId)
      .where(sql`${t.productId} is not null`),
    uniqueIndex('alert_subscriptions_tag_key')
      .on(t.email, t.kind, t.tagId)
      .where(sql`${t.tagId} is not null`),
    // The sender's order: oldest subscription first among the confirmed followers of a target.
    index('alert_subscriptions_product_send_idx').on(t.productId, t.kind, t.status, t.createdAt, t.id),
    index('alert_subscriptions_tag_send_idx').on(t.tagId, t.kind, t.status, t.createdAt, t.id),
  ],
);

export const alertEventStatuses = ['pending', 'done'] as const;

/**
 * Something subscribers asked to hear about, written in the transaction of the change that caused it
 * (back_in_stock by a trigger on product_inventory, the others by the domain). The jobs app sends it in
 * batches; `sent` counts the emails enqueued, never more than the event's cap.
 */
export const alertEvents = pgTable(
  'alert_events',
  {
    id: id(),
    kind: text('kind', { enum: alertKinds }).notNull(),
    /** The product restocked, going on sale, or announced (new_board). */
    productId: uuid('product_id')
      .notNull()
      .references(() => products.id, { onDelete: 'cascade' }),
    /** new_board: the followed series tag. */
    tagId: uuid('tag_id').references(() => tags.id, { onDelete: 'cascade' }),
    /** back_in_stock: units available when the stock came back (sizes the cap). */
    units: integer('units'),
    status: text('status', { enum: alertEventStatuses }).notNull().default('pending'),
    sent: integer('sent').notNull().default(0),
    /** Why sending stopped: `drained` (every follower told), `cap`, `sold_out`, `not_on_sale`. */
    outcome: varchar('outcome', { length: 40 }),
    createdAt: createdAt(),
    finishedAt: tstz('finished_at'),
  },
  (t) => [
    check('alert_events_kind_check', sql`${t.kind} in ('back_in_stock', 'sale_starts', 'new_board')`),
    check('alert_events_status_check', sql`${t.status} in ('pending', 'done')`),
    check('alert_events_sent_check', sql`${t.sent} >= 0`),
    index('alert_events_status_created_at_idx').on(t.status, t.createdAt, t.id),
    index('alert_events_product_id_idx').on(t.productId, t.createdAt),
  ],
);

/** Each subscriber at most once per event: the primary key is the guarantee, whatever the job does. */
export const alertDeliveries = pgTable(
  'alert_deliveries',
  {
    eventId: uuid('event_id')
      .notNull()
      .references(() => alertEvents.id, { onDelete: 'cascade' }),
    subscriptionId: uuid('subscription_id')
      .notNull()
      .references(() => alertSubscriptions.id, { onDelete: 'cascade' }),
    createdAt: createdAt(),
  },
  (t) => [
    primaryKey({ name: 'alert_deliveries_pkey', columns: [t.eventId, t.subscriptionId] }),
    index('alert_deliveries_subscription_id_idx').on(t.subscriptionId),
  ],
);
