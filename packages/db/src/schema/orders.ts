import { sql } from 'drizzle-orm';
import {
  boolean,
  check,
  index,
  integer,
  jsonb,
  pgTable,
  text,
  unique,
  uuid,
  varchar,
} from 'drizzle-orm/pg-core';
import { users } from './auth.js';
import { products } from './catalog.js';
import { createdAt, id, tstz, updatedAt } from './columns.js';
import { orderStatus, productType } from './enums.js';

/** Address snapshot stored on orders (spec "orders"): strings trimmed, empty → null. */
export interface AddressSnapshot {
  fullName: string | null;
  line1: string | null;
  line2: string | null;
  city: string | null;
  province: string | null;
  postalCode: string | null;
  countryCode: string | null;
  phone: string | null;
  email: string | null;
  source: 'stripe_shipping_details' | 'stripe_customer_details';
}

export interface CustomerDetailsSnapshot {
  email: string | null;
  fullName: string | null;
  firstName: string | null;
  lastName: string | null;
  phone: string | null;
  source: 'stripe_customer_details';
}

/** Product snapshot taken at checkout. */
export interface OrderItemMetadata {
  slug: string;
  description: string | null;
}

/** Buyers. Per F2 a customer exists only once someone has paid; no placeholder rows. */
export const customers = pgTable(
  'customers',
  {
    id: id(),
    userId: uuid('user_id').references(() => users.id, { onDelete: 'set null' }),
    email: varchar('email', { length: 320 }).notNull().unique('customers_email_key'),
    firstName: varchar('first_name', { length: 120 }),
    lastName: varchar('last_name', { length: 120 }),
    phone: varchar('phone', { length: 40 }),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [index('customers_created_at_id_idx').on(t.createdAt, t.id)],
);

export const orders = pgTable(
  'orders',
  {
    id: id(),
    publicId: varchar('public_id', { length: 40 }).notNull().unique('orders_public_id_key'),
    /** Null until payment finalisation creates/finds the customer (F2). */
    customerId: uuid('customer_id').references(() => customers.id, { onDelete: 'restrict' }),
    status: orderStatus('status').notNull().default('pending_payment'),
    currency: varchar('currency', { length: 3 }).notNull().default('CAD'),
    subtotalCents: integer('subtotal_cents').notNull().default(0),
    taxCents: integer('tax_cents').notNull().default(0),
    shippingCents: integer('shipping_cents').notNull().default(0),
    totalCents: integer('total_cents').notNull().default(0),
    stripeCheckoutSessionId: varchar('stripe_checkout_session_id', { length: 255 }).unique(
      'orders_stripe_checkout_session_id_key',
    ),
    stripePaymentIntentId: varchar('stripe_payment_intent_id', { length: 255 }),
    checkoutIdempotencyKey: varchar('checkout_idempotency_key', { length: 255 })
      .notNull()
      .unique('orders_checkout_idempotency_key_key'),
    /** F2: optional prefill for Stripe Checkout, supplied by the buyer before payment. */
    checkoutEmail: varchar('checkout_email', { length: 320 }),
    checkoutName: varchar('checkout_name', { length: 200 }),
    /**
     * Issue 13 (caps): the buyer's identity keys purchase caps count by. `buyer_email_key` is the normalised
     * checkout email at checkout, replaced by the normalised email Stripe collected at finalisation;
     * the card fingerprint and the normalised shipping address are known only once paid.
     */
    buyerEmailKey: varchar('buyer_email_key', { length: 320 }),
    buyerCardFingerprint: varchar('buyer_card_fingerprint', { length: 255 }),
    buyerAddressKey: varchar('buyer_address_key', { length: 64 }),
    customerDetailsJson: jsonb('customer_details_json').$type<CustomerDetailsSnapshot>(),
    shippingAddressJson: jsonb('shipping_address_json')
      .$type<AddressSnapshot | Record<string, never>>()
      .notNull()
      .default({}),
    billingAddressJson: jsonb('billing_address_json').$type<AddressSnapshot>(),
    confirmationEmailSentAt: tstz('confirmation_email_sent_at'),
    confirmationEmailError: text('confirmation_email_error'),
    orderNotificationSentAt: tstz('order_notification_sent_at'),
    orderNotificationError: text('order_notification_error'),
    includesLastOnePrize: boolean('includes_last_one_prize').notNull().default(false),
    /** F5: why the order sits in paid_needs_attention. */
    attentionReason: text('attention_reason'),
    /** F8: bumping it revokes every outstanding access link / session for this order. */
    accessTokenVersion: integer('access_token_version').notNull().default(1),
    placedAt: tstz('placed_at'),
    paidAt: tstz('paid_at'),
    cancelledAt: tstz('cancelled_at'),
    refundedAt: tstz('refunded_at'),
    expiredAt: tstz('expired_at'),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    check('orders_subtotal_cents_check', sql`${t.subtotalCents} >= 0`),
    check('orders_tax_cents_check', sql`${t.taxCents} >= 0`),
    check('orders_shipping_cents_check', sql`${t.shippingCents} >= 0`),
    check('orders_total_cents_check', sql`${t.totalCents} >= 0`),
    check('orders_access_token_version_check', sql`${t.accessTokenVersion} > 0`),
    // Issue 14: columns that are null while an order is pending (all but the email key until it is paid;
    // the email key whenever the buyer gave none) are indexed only where set, so placing an order writes
    // no entry into these indexes. Every lookup by them is an equality or a range, which implies not null.
    index('orders_customer_id_created_at_id_idx')
      .on(t.customerId, t.createdAt, t.id)
      .where(sql`${t.customerId} is not null`),
    index('orders_status_created_at_id_idx').on(t.status, t.createdAt, t.id),
    index('orders_created_at_id_idx').on(t.createdAt.desc().nullsFirst(), t.id.desc().nullsFirst()),
    index('orders_placed_at_id_idx')
      .on(t.placedAt, t.id)
      .where(sql`${t.placedAt} is not null`),
    index('orders_buyer_email_key_idx')
      .on(t.buyerEmailKey)
      .where(sql`${t.buyerEmailKey} is not null`),
    index('orders_buyer_card_fingerprint_idx')
      .on(t.buyerCardFingerprint)
      .where(sql`${t.buyerCardFingerprint} is not null`),
    index('orders_buyer_address_key_idx')
      .on(t.buyerAddressKey)
      .where(sql`${t.buyerAddressKey} is not null`),
  ],
);

export const orderItems = pgTable(
  'order_items',
  {
    id: id(),
    orderId: uuid('order_id')
      .notNull()
      .references(() => orders.id, { onDelete: 'cascade' }),
    productId: uuid('product_id')
      .notNull()
      .references(() => products.id, { onDelete: 'restrict' }),
    productName: varchar('product_name', { length: 200 }).notNull(),
    productType: productType('product_type').notNull(),
    unitPriceCents: integer('unit_price_cents').notNull(),
    quantity: integer('quantity').notNull(),
    lineTotalCents: integer('line_total_cents').notNull(),
    metadata: jsonb('metadata').$type<OrderItemMetadata>().notNull(),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    check('order_items_unit_price_cents_check', sql`${t.unitPriceCents} >= 0`),
    check('order_items_quantity_check', sql`${t.quantity} > 0`),
    check('order_items_line_total_cents_check', sql`${t.lineTotalCents} >= 0`),
    check(
      'order_items_line_total_matches_check',
      sql`${t.lineTotalCents} = ${t.unitPriceCents} * ${t.quantity}`,
    ),
    // Cart lines are merged per product before insert (spec), so a duplicate is a bug worth refusing.
    unique('order_items_order_id_product_id_key').on(t.orderId, t.productId),
    // Trending and the RESTRICT check on product deletion look items up by product.
    index('order_items_product_id_idx').on(t.productId),
  ],
);

export const shipments = pgTable(
  'shipments',
  {
    id: id(),
    orderId: uuid('order_id')
      .notNull()
      .unique('shipments_order_id_key')
      .references(() => orders.id, { onDelete: 'cascade' }),
    carrierName: varchar('carrier_name', { length: 120 }),
    trackingNumber: varchar('tracking_number', { length: 120 }),
    trackingUrl: varchar('tracking_url', { length: 500 }),
    shippedAt: tstz('shipped_at'),
    deliveredAt: tstz('delivered_at'),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [index('shipments_tracking_number_idx').on(t.trackingNumber)],
);
