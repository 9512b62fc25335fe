import { pgEnum } from 'drizzle-orm/pg-core';

export const userRole = pgEnum('user_role', ['admin', 'customer']);

export const productType = pgEnum('product_type', ['standard', 'kuji']);

export const productStatus = pgEnum('product_status', ['draft', 'active', 'archived']);

/** Issue 13: before `sales_start_at`, an announced product is public (coming soon); a hidden one is not. */
export const preSaleVisibility = pgEnum('pre_sale_visibility', ['announced', 'hidden']);

export const inventoryReservationStatus = pgEnum('inventory_reservation_status', [
  'active',
  'converted',
  'expired',
  'released',
]);

export const orderStatus = pgEnum('order_status', [
  'pending_payment',
  'paid',
  'packed',
  'shipped',
  'cancelled',
  'refunded',
  'paid_needs_attention',
  'expired',
]);

export const paymentProvider = pgEnum('payment_provider', ['stripe']);

export const paymentStatus = pgEnum('payment_status', ['pending', 'paid', 'failed', 'refunded']);

export const webhookStatus = pgEnum('webhook_status', ['received', 'processed', 'failed']);

/**
 * `faq` is kept because the spec's enum lists it (legacy value); every read/write path excludes it,
 * FAQ lives in `faq_items`.
 */
export const legalDocumentType = pgEnum('legal_document_type', [
  'faq',
  'shipping_returns',
  'terms',
  'privacy',
]);

export type UserRole = (typeof userRole.enumValues)[number];
export type ProductType = (typeof productType.enumValues)[number];
export type ProductStatus = (typeof productStatus.enumValues)[number];
export type PreSaleVisibility = (typeof preSaleVisibility.enumValues)[number];
export type InventoryReservationStatus = (typeof inventoryReservationStatus.enumValues)[number];
export type OrderStatus = (typeof orderStatus.enumValues)[number];
export type PaymentProvider = (typeof paymentProvider.enumValues)[number];
export type PaymentStatus = (typeof paymentStatus.enumValues)[number];
export type WebhookStatus = (typeof webhookStatus.enumValues)[number];
export type LegalDocumentType = (typeof legalDocumentType.enumValues)[number];
