import { z } from 'zod';
import { ZIsoDateTime, ZQueryInt, ZUuid } from './common.js';

/* ---- GET /admin/emails (F7) ---- */

export const EMAIL_OUTBOX_STATUSES = ['queued', 'sending', 'sent', 'failed'] as const;
export const EMAIL_KINDS = [
  'order_confirmation',
  'shop_notification',
  'shop_alert',
  'shipped',
  'shipment_updated',
  'refund',
  'contact',
  'access_link',
] as const;

export const ZListEmailsInput = z
  .strictObject({
    status: z.enum(EMAIL_OUTBOX_STATUSES).optional(),
    kind: z.enum(EMAIL_KINDS).optional(),
    orderId: ZUuid.optional(),
    limit: ZQueryInt(1, 50).optional(),
    cursor: z.string().max(500).optional(),
  })
  .optional();

export const ZOutboxEmail = z.object({
  id: ZUuid,
  kind: z.string(),
  to: z.string(),
  subject: z.string(),
  orderId: ZUuid.nullable(),
  status: z.enum(EMAIL_OUTBOX_STATUSES),
  attempts: z.int(),
  maxAttempts: z.int(),
  /** When the next delivery attempt is due (queued messages only). */
  nextAttemptAt: ZIsoDateTime.nullable(),
  lastError: z.string().nullable(),
  providerMessageId: z.string().nullable(),
  sentAt: ZIsoDateTime.nullable(),
  createdAt: ZIsoDateTime,
  updatedAt: ZIsoDateTime,
});
export const ZListEmailsOutput = z.object({
  items: z.array(ZOutboxEmail),
  nextCursor: z.string().nullable(),
});

/* ---- GET /admin/jobs (F15) ---- */

export const ZJobRun = z.object({
  id: ZUuid,
  status: z.enum(['running', 'succeeded', 'failed', 'skipped']),
  startedAt: ZIsoDateTime,
  finishedAt: ZIsoDateTime.nullable(),
  result: z.record(z.string(), z.unknown()).nullable(),
  error: z.string().nullable(),
});

export const ZJobStatus = z.object({
  name: z.string(),
  description: z.string(),
  /** Cron expression pg-boss runs the job on. */
  schedule: z.string(),
  timezone: z.string(),
  /** `registered`: read from pg-boss; `default`: the jobs app has not registered it yet. */
  scheduleSource: z.enum(['registered', 'default']),
  lastRun: ZJobRun.nullable(),
  lastSuccessAt: ZIsoDateTime.nullable(),
  recentFailures: z.array(ZJobRun),
});
export const ZListJobsOutput = z.object({ items: z.array(ZJobStatus) });

/* ---- /admin/reconciliation (F14) ---- */

export const DRIFT_KINDS = [
  'inventory_reserved',
  'kuji_on_hand',
  'prize_remaining',
  'deck_position',
  'deck_pending',
] as const;

export const ZDriftItem = z.object({
  kind: z.enum(DRIFT_KINDS),
  productId: ZUuid,
  productName: z.string(),
  prizeId: ZUuid.nullable(),
  prizeCode: z.string().nullable(),
  /** The counter as stored. */
  recorded: z.int(),
  /** What its source says it should be. */
  expected: z.int(),
  difference: z.int(),
  repairable: z.boolean(),
});
export const ZReconciliationReport = z.object({
  checkedAt: ZIsoDateTime,
  clean: z.boolean(),
  items: z.array(ZDriftItem),
});

export const ZRepairReconciliationInput = z
  .strictObject({ productIds: z.array(ZUuid).min(1).max(500).optional() })
  .optional();
export const ZRepairReconciliationOutput = z.object({
  repaired: z.array(
    z.object({
      kind: z.enum(DRIFT_KINDS),
      productId: ZUuid,
      prizeId: ZUuid.nullable(),
      before: z.int(),
      after: z.int(),
    }),
  ),
  /** The report after the repair. */
  report: ZReconciliationReport,
});

export type TListEmailsInput = z.infer<typeof ZListEmailsInput>;
export type TReconciliationReport = z.infer<typeof ZReconciliationReport>;
