import { z } from 'zod';
import { ZIsoDateTime, ZQueryInt, ZUuid } from './common.js';

const ZSlug = z.string().min(1).max(220);

/** Issue 13 alerts: what an address can follow. */
export const ALERT_KINDS = ['back_in_stock', 'sale_starts', 'new_board'] as const;
export const ZAlertKind = z.enum(ALERT_KINDS);

const ZAlertEmail = z.string().trim().max(320).pipe(z.email('Must be a valid email address'));

export const ZSubscribeProductAlertInput = z.strictObject({
  slug: ZSlug,
  email: ZAlertEmail,
  kind: ZAlertKind,
});
export const ZSubscribeTagAlertInput = z.strictObject({ slug: ZSlug, email: ZAlertEmail });

/** Always the same answer (202), known address or not: subscribing never tells who is subscribed. */
export const ZAlertAccepted = z.object({ accepted: z.literal(true), message: z.string() });

export const ZAlertTokenInput = z.strictObject({ token: z.string().trim().min(1).max(2000) });
export const ZAlertConfirmed = z.object({ status: z.literal('confirmed') });
export const ZAlertUnsubscribed = z.object({ status: z.literal('unsubscribed') });

export const ZAlertCountsInput = z.strictObject({ eventLimit: ZQueryInt(1, 500).default(100) });
export const ZAlertCountsOutput = z.object({
  targets: z.array(
    z.object({
      targetType: z.enum(['product', 'tag']),
      targetId: ZUuid,
      slug: z.string(),
      name: z.string(),
      kind: ZAlertKind,
      pending: z.int(),
      confirmed: z.int(),
      notified: z.int(),
      unsubscribed: z.int(),
    }),
  ),
  events: z.array(
    z.object({
      id: ZUuid,
      kind: ZAlertKind,
      productSlug: z.string(),
      tagSlug: z.string().nullable(),
      units: z.int().nullable(),
      status: z.enum(['pending', 'done']),
      sent: z.int(),
      outcome: z.string().nullable(),
      createdAt: ZIsoDateTime,
      finishedAt: ZIsoDateTime.nullable(),
    }),
  ),
});

export const ZAlertExportInput = z.strictObject({
  productSlug: ZSlug.optional(),
  tagSlug: ZSlug.optional(),
});
/** CSV text (RFC 4180, CRLF) inside JSON: trpc-to-openapi answers JSON only. */
export const ZAlertExportOutput = z.object({ csv: z.string(), rows: z.int() });
