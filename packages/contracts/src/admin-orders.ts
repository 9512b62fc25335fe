import { z } from 'zod';
import { ZIsoDateTime, ZQueryInt, ZStrictBoolean, ZStrictInt, ZUuid } from './common.js';
import { ZOrderStatus, ZOrderView, ZTicketView } from './orders.js';

/* ---- B14 admin order detail: the order view unmasked, plus payment, refunds, emails, attention ---- */

export const ZAdminTicketView = ZTicketView.extend({
  /** F12: the deck epoch and position the ticket was dealt from (null for tickets dealt before decks). */
  deckEpoch: z.int().nullable(),
  deckPosition: z.int().nullable(),
});

export const ZAdminPayment = z.object({
  id: ZUuid,
  status: z.enum(['pending', 'paid', 'failed', 'refunded']),
  amountCents: z.int(),
  refundedAmountCents: z.int(),
  currency: z.string(),
  providerPaymentIntentId: z.string().nullable(),
  providerCheckoutSessionId: z.string().nullable(),
});

export const ZAdminRefund = z.object({
  id: ZUuid,
  providerRefundId: z.string(),
  amountCents: z.int(),
  currency: z.string(),
  /** The provider's status lower-cased: pending, succeeded, failed, canceled, requires_action or unknown. */
  status: z.string(),
  reason: z.string().nullable(),
  providerCreatedAt: ZIsoDateTime.nullable(),
  createdAt: ZIsoDateTime,
});

/** Emails of the order in the outbox (F7): delivery state, never the bodies. */
export const ZAdminOrderEmail = z.object({
  id: ZUuid,
  kind: z.string(),
  status: z.enum(['queued', 'sending', 'sent', 'failed']),
  to: z.string(),
  subject: z.string(),
  sentAt: ZIsoDateTime.nullable(),
  createdAt: ZIsoDateTime,
});

export const ZAdminOrderDetail = ZOrderView.extend({
  tickets: z.array(ZAdminTicketView),
  /** F5: why the order sits in paid_needs_attention. */
  attentionReason: z.string().nullable(),
  /** F8: bumped by every access-link reissue. */
  accessTokenVersion: z.int(),
  createdAt: ZIsoDateTime,
  updatedAt: ZIsoDateTime,
  payment: ZAdminPayment.nullable(),
  /** Newest first. */
  refunds: z.array(ZAdminRefund),
  /** Newest first. */
  emails: z.array(ZAdminOrderEmail),
});

export const ZAdminOrderIdInput = z.strictObject({ id: ZUuid });

/* ---- GET /admin/orders ---- */

export const ZListAdminOrdersInput = z.strictObject({
  status: ZOrderStatus.optional(),
  cursor: z.string().max(2000).optional(),
  limit: ZQueryInt(1, 50).default(20),
});

export const ZAdminOrderListItem = z.object({
  id: ZUuid,
  publicId: z.string(),
  status: ZOrderStatus,
  includesLastOnePrize: z.boolean(),
  totalCents: z.int(),
  currency: z.string(),
  placedAt: ZIsoDateTime.nullable(),
  createdAt: ZIsoDateTime,
  /** The live customer row; null until payment (F2). */
  customer: z
    .object({
      id: ZUuid,
      email: z.string(),
      firstName: z.string().nullable(),
      lastName: z.string().nullable(),
    })
    .nullable(),
});
export const ZListAdminOrdersOutput = z.object({
  items: z.array(ZAdminOrderListItem),
  nextCursor: z.string().nullable(),
});

/* ---- GET /admin/customers ---- */

export const ZListCustomersInput = z.strictObject({
  cursor: z.string().max(2000).optional(),
  limit: ZQueryInt(1, 50).default(20),
});
export const ZAdminCustomer = z.object({
  id: ZUuid,
  email: z.string(),
  firstName: z.string().nullable(),
  lastName: z.string().nullable(),
  phone: z.string().nullable(),
  orderCount: z.int(),
  createdAt: ZIsoDateTime,
});
export const ZListCustomersOutput = z.object({
  items: z.array(ZAdminCustomer),
  nextCursor: z.string().nullable(),
});

/* ---- PATCH /admin/orders/{id}/status ---- */

/** Security rule 9: admins may only pack, ship or cancel an unpaid order; any other value is a 400. */
export const ADMIN_ORDER_STATUS_TARGETS = ['packed', 'shipped', 'cancelled'] as const;
export const ZUpdateOrderStatusInput = z.strictObject({
  id: ZUuid,
  status: z.enum(ADMIN_ORDER_STATUS_TARGETS),
});

/* ---- PATCH /admin/orders/{id}/shipment ---- */

/** Trimmed; blank means "clear" like an explicit null. */
const ZShipmentText = (max: number) =>
  z
    .string()
    .trim()
    .max(max)
    .transform((v) => v || null)
    .nullable()
    .optional();

/** B14: any string a date can be parsed from. */
const ZLooseDate = z
  .string()
  .trim()
  .refine((v) => v !== '' && !Number.isNaN(Date.parse(v)), { error: 'Expected a date' })
  .nullable()
  .optional();

export const ZUpdateShipmentInput = z.strictObject({
  id: ZUuid,
  carrierName: ZShipmentText(120),
  trackingNumber: ZShipmentText(120),
  /** Rendered as a link in emails, so only http(s) URLs. */
  trackingUrl: z
    .url({ protocol: /^https?$/, error: 'Expected an http(s) URL' })
    .max(500)
    .nullable()
    .optional(),
  shippedAt: ZLooseDate,
  deliveredAt: ZLooseDate,
});

/* ---- POST /admin/orders/{id}/refund (F9) ---- */

export const ZRefundOrderInput = z.strictObject({
  id: ZUuid,
  /**
   * Omitted → the whole refundable remainder: the standard lines, shipping and kuji lines that never reached
   * the draw (less what was refunded), or, forced, everything the payment has left.
   */
  amountCents: ZStrictInt(1).optional(),
  reason: z.string().trim().max(500).nullable().optional(),
  /**
   * Issue 12: drawn kuji lines are not refundable (no cancellation once drawn) unless staff force it with a
   * reason. Audited; once the provider reports the refund succeeded, the order's dealt tickets are voided and
   * the voids appear in the board's public draw log.
   */
  forceKujiRefund: z
    .strictObject({ reason: z.string().trim().min(1).max(500) })
    .optional()
    .meta({ description: 'Force a refund of drawn kuji lines, with the reason (audited, publicly logged).' }),
});

export const ZRefundHeaders = z.object({
  'idempotency-key': z.string().min(1).max(255).meta({
    description:
      'Required (F9). Same key + same request replays the first response; a new key is a new refund.',
  }),
});
export const ZRefundResponseHeaders = z.object({
  'idempotent-replayed': z.literal('true').optional().meta({
    description: 'Present when this response is the replay of an earlier request with the same key.',
  }),
});

/* ---- POST /admin/orders/{id}/refund/reconcile ---- */

export const ZReconcileRefundsOutput = z.object({
  order: ZAdminOrderDetail,
  summary: z.object({
    stripeRefundCount: z.int(),
    localRefundCount: z.int(),
    refundedAmountCents: z.int(),
    isFullyRefunded: z.boolean(),
    /** The local records or aggregate disagreed with the provider before this sync. */
    hasRefundDrift: z.boolean(),
  }),
  refunds: z.array(
    z.object({
      providerRefundId: z.string(),
      amountCents: z.int(),
      currency: z.string(),
      status: z.string(),
      reason: z.string().nullable(),
      providerCreatedAt: ZIsoDateTime.nullable(),
    }),
  ),
});

/* ---- POST /admin/orders/{orderId}/resend-confirmation ---- */

export const ZResendConfirmationInput = z.strictObject({ orderId: ZUuid });
export const ZResendConfirmationOutput = z.object({
  id: ZUuid,
  publicId: z.string(),
  status: ZOrderStatus,
  email: z.string(),
  /** Unchanged by the resend; set by the outbox when the message is delivered. */
  confirmationEmailSentAt: ZIsoDateTime.nullable(),
  /** Which email was enqueued: the confirmation, or the refund email for refunded orders. */
  kind: z.enum(['order_confirmation', 'refund']),
});

/* ---- POST /admin/orders/{id}/access-link (F8) ---- */

export const ZIssueAccessLinkInput = z.strictObject({
  id: ZUuid,
  sendEmail: ZStrictBoolean.optional(),
});
export const ZIssueAccessLinkOutput = z.object({
  id: ZUuid,
  publicId: z.string(),
  accessTokenVersion: z.int(),
  url: z.string(),
  emailQueued: z.boolean(),
});

export type TAdminOrderDetail = z.infer<typeof ZAdminOrderDetail>;
