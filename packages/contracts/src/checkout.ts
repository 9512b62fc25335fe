import { z } from 'zod';
import { ZCoercedInt, ZUuid } from './common.js';
import { ZAdminOrderDetail } from './admin-orders.js';

/** Mirrors the domain's fixed cart limits (F17): 1..50 lines, 1..20 per line. */
export const CHECKOUT_MAX_LINES = 50;
export const CHECKOUT_MAX_QUANTITY = 20;

export const ZCheckoutLine = z.object({
  productId: ZUuid,
  // B3: numeric strings are accepted and coerced; the input type stays `number` (see ZCoercedInt).
  quantity: ZCoercedInt().int({ error: 'Expected an integer' }).min(1).max(CHECKOUT_MAX_QUANTITY),
});

/**
 * B3 body with F2's optional prefill (email, name). Unknown fields are dropped. Prices, shipping and
 * addresses are never accepted from the client (security rule 3). Header `Idempotency-Key` is required.
 */
export const ZCreateCheckoutSessionInput = z.object({
  items: z.array(ZCheckoutLine).min(1).max(CHECKOUT_MAX_LINES),
  email: z.string().trim().pipe(z.email().max(320)).optional().meta({
    description:
      'Prefill for the payment page. Required when the cart holds a product with a purchase limit (issue 13): the limit counts by this email.',
  }),
  name: z.string().trim().min(1).max(200).optional(),
  challengeToken: z.string().max(2048).optional().meta({
    description:
      'Cloudflare Turnstile token (issue 13). Required for a cart with a purchase-limited product when the shop configured Turnstile; single use, valid 300 s.',
  }),
});

export const ZCreateCheckoutSessionOutput = z.object({
  checkoutUrl: z.string(),
  sessionId: z.string(),
  publicId: z.string(),
  orderId: ZUuid,
});

export type TCreateCheckoutSessionInput = z.infer<typeof ZCreateCheckoutSessionInput>;
export type TCreateCheckoutSessionOutput = z.infer<typeof ZCreateCheckoutSessionOutput>;

/** Documentation of the headers of `POST /checkout/session` (F3). */
export const ZCheckoutSessionHeaders = z.object({
  'idempotency-key': z
    .string()
    .min(1)
    .max(255)
    .meta({ description: 'Required. Same key + same cart replays the first response (F3).' }),
});
export const ZCheckoutSessionResponseHeaders = z.object({
  'idempotent-replayed': z.literal('true').optional().meta({
    description: 'Present when this response is the replay of an earlier request with the same key.',
  }),
});

export const ZRetryFinalisationInput = z.strictObject({ id: ZUuid });
/** The admin order detail (B14) after the retry. */
export const ZRetryFinalisationOutput = ZAdminOrderDetail;
