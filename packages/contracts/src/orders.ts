import { z } from 'zod';
import { ZIsoDateTime, ZUuid } from './common.js';

export const ZOrderStatus = z.enum([
  'pending_payment',
  'paid',
  'packed',
  'shipped',
  'cancelled',
  'refunded',
  'paid_needs_attention',
  'expired',
]);

export const ZAddressSnapshot = z.object({
  fullName: z.string().nullable(),
  line1: z.string().nullable(),
  line2: z.string().nullable(),
  city: z.string().nullable(),
  province: z.string().nullable(),
  postalCode: z.string().nullable(),
  countryCode: z.string().nullable(),
  phone: z.string().nullable(),
  email: z.string().nullable(),
  source: z.enum(['stripe_shipping_details', 'stripe_customer_details']),
});

export const ZTicketPrize = z.object({
  id: ZUuid,
  name: z.string(),
  description: z.string().nullable(),
  imageUrl: z.string().nullable(),
  prizeCode: z.string(),
  prizeTier: z.string(),
});

/** B11 TicketView. `prize` is null on guest surfaces until the ticket is revealed. */
export const ZTicketView = z.object({
  id: ZUuid,
  ticketNumber: z.string(),
  status: z.enum(['pending', 'dealt', 'voided']).meta({
    description: 'pending: the line waits for its beacon round; dealt: its prize is fixed (reveal shows it)',
  }),
  lineRef: z.string().nullable().meta({
    description: "The draw-log line (public fairness document) this ticket belongs to; a buyer's receipt",
  }),
  epoch: z.int().nullable().meta({ description: 'The board epoch the ticket was drawn from' }),
  position: z.int().nullable().meta({ description: 'Deck position, once dealt' }),
  targetRound: z.int().nullable().meta({ description: 'Beacon round that deals the line' }),
  revealedAt: ZIsoDateTime.nullable(),
  voidedAt: ZIsoDateTime.nullable(),
  voidReason: z.string().nullable(),
  prize: ZTicketPrize.nullable(),
  kujiProduct: z.object({
    id: ZUuid,
    name: z.string(),
    slug: z.string(),
    imageUrl: z.string().nullable(),
    imageAltText: z.string(),
  }),
  createdAt: ZIsoDateTime,
});

export const ZOrderItemView = z.object({
  id: ZUuid,
  productId: ZUuid,
  productName: z.string(),
  productType: z.enum(['standard', 'kuji']),
  unitPriceCents: z.int(),
  quantity: z.int(),
  lineTotalCents: z.int(),
  metadata: z.object({ slug: z.string(), description: z.string().nullable() }),
  imageUrl: z.string().nullable(),
  imageAltText: z.string().nullable(),
});

/** B11 order detail view (guest variant: unrevealed prizes masked). */
export const ZOrderView = z.object({
  id: ZUuid,
  publicId: z.string(),
  status: ZOrderStatus,
  includesLastOnePrize: z.boolean(),
  currency: z.string(),
  subtotalCents: z.int(),
  taxCents: z.int(),
  shippingCents: z.int(),
  totalCents: z.int(),
  placedAt: ZIsoDateTime.nullable(),
  paidAt: ZIsoDateTime.nullable(),
  cancelledAt: ZIsoDateTime.nullable(),
  refundedAt: ZIsoDateTime.nullable(),
  shippingAddress: ZAddressSnapshot.nullable(),
  billingAddress: ZAddressSnapshot.nullable(),
  customer: z
    .object({
      id: ZUuid,
      email: z.string().nullable(),
      firstName: z.string().nullable(),
      lastName: z.string().nullable(),
      phone: z.string().nullable(),
    })
    .nullable(),
  shipment: z
    .object({
      carrierName: z.string().nullable(),
      trackingNumber: z.string().nullable(),
      trackingUrl: z.string().nullable(),
      shippedAt: ZIsoDateTime.nullable(),
      deliveredAt: ZIsoDateTime.nullable(),
    })
    .nullable(),
  items: z.array(ZOrderItemView),
  tickets: z.array(ZTicketView),
});

export const ZPublicIdInput = z.strictObject({ publicId: z.string().min(1).max(40) });

export const ZCheckoutSuccessInput = z.strictObject({
  session_id: z.string().trim().min(1, 'session_id is required'),
});
export const ZCheckoutSuccessOutput = z.union([
  z.object({ pending: z.literal(true), retryable: z.literal(true), message: z.string() }),
  z.object({
    pending: z.literal(false),
    publicId: z.string(),
    orderUrl: z.string(),
    clientOrderUrl: z.string(),
    needsAttention: z.boolean(),
    order: ZOrderView,
  }),
]);

export type TOrderView = z.infer<typeof ZOrderView>;
