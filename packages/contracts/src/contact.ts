import { z } from 'zod';
import { ZIsoDateTime, ZQueryInt, ZUuid } from './common.js';

export const INQUIRY_TYPES = [
  'product-request',
  'order-support',
  'shipping-support',
  'ticket-support',
  'general',
] as const;
export const ZInquiryType = z.enum(INQUIRY_TYPES);

const trimmed = (max: number) => z.string().trim().max(max);

/** B17 contact form: trimmed fields, per-field messages, cross-field requirements. */
export const ZContactInput = z
  .object({
    firstName: trimmed(50).min(1, 'Required'),
    lastName: trimmed(50).optional(),
    email: z.string().trim().max(320).pipe(z.email('Must be a valid email address')),
    inquiryType: ZInquiryType,
    orderNumber: trimmed(50).optional(),
    requestedSeries: trimmed(120).optional(),
    message: trimmed(1000).min(12, 'Must be at least 12 characters'),
  })
  .superRefine((v, ctx) => {
    const needsOrder = ['order-support', 'shipping-support', 'ticket-support'].includes(v.inquiryType);
    if (needsOrder && !v.orderNumber) {
      ctx.addIssue({ code: 'custom', path: ['orderNumber'], message: 'Required for this inquiry type' });
    }
    if (v.inquiryType === 'product-request' && !v.requestedSeries) {
      ctx.addIssue({ code: 'custom', path: ['requestedSeries'], message: 'Required for a product request' });
    }
  });
export const ZContactOutput = z.object({ ok: z.literal(true) });

export const ZListContactMessagesInput = z.strictObject({
  cursor: z.string().max(2000).optional(),
  limit: ZQueryInt(1, 50).default(20),
});
export const ZContactMessage = z.object({
  id: ZUuid,
  firstName: z.string(),
  lastName: z.string().nullable(),
  email: z.string(),
  inquiryType: z.string(),
  orderNumber: z.string().nullable(),
  requestedSeries: z.string().nullable(),
  message: z.string(),
  createdAt: ZIsoDateTime,
});
export const ZListContactMessagesOutput = z.object({
  items: z.array(ZContactMessage),
  nextCursor: z.string().nullable(),
});
