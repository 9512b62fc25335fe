import { z } from 'zod';
import { ZIsoDateTime, ZQueryInt, ZStrictBoolean, ZStrictInt, ZUuid } from './common.js';
import { ZLegalType } from './content.js';

export const ZAdminListLegalInput = z.strictObject({ type: ZLegalType.optional() });
export const ZLegalIdInput = z.strictObject({ id: ZUuid });
const ZContent = z.string().trim().min(1, 'Must not be blank').max(200_000);
export const ZPublishLegalInput = z.strictObject({ type: ZLegalType, content: ZContent });
export const ZRepublishLegalInput = z.strictObject({ id: ZUuid, content: ZContent });

const ZFaqText = z.string().trim().min(1, 'Must not be blank').max(10_000);
const ZCategory = z.string().trim().min(1, 'Must not be blank (send null for none)').max(120).nullable();
export const ZCreateFaqInput = z.strictObject({
  question: ZFaqText,
  answer: ZFaqText,
  category: ZCategory.optional(),
  sortOrder: ZStrictInt(0).optional(),
  isPublished: ZStrictBoolean.optional(),
});
export const ZUpdateFaqInput = ZCreateFaqInput.partial().extend({ id: ZUuid });
export const ZFaqIdInput = z.strictObject({ id: ZUuid });

/** B16: JSON integers only (no string coercion, no decimals) and currency exactly CAD. */
const ZSettingCents = ZStrictInt(0, 100_000_000);
export const ZShippingSettings = z.strictObject({
  flatShippingCents: ZSettingCents,
  freeShippingThresholdCents: ZSettingCents,
  currency: z.literal('CAD'),
});

/** Issue 13: store setting `purchase_limits`. */
export const ZPurchaseLimitSettings = z.strictObject({
  autoRefund: ZStrictBoolean.meta({
    description:
      'Refund a paid order that broke a purchase cap automatically (in full, once, with an email to the buyer saying why). Off: it waits in paid_needs_attention for staff.',
  }),
});

export const ZBannerItemInput = z.strictObject({
  id: z.string().max(100).nullable().optional(),
  message: z.string().max(160),
  linkLabel: z.string().max(40).nullable().optional(),
  linkHref: z.string().max(300).nullable().optional(),
  sortOrder: ZStrictInt(0),
  isActive: ZStrictBoolean,
});
export const ZUpdateStoreBannerInput = z.strictObject({
  enabled: ZStrictBoolean,
  items: z.array(ZBannerItemInput).max(5),
});

export const ZAuditLogInput = z.strictObject({
  actorUserId: ZUuid.optional(),
  entityType: z.string().max(60).optional(),
  entityId: z.string().max(100).optional(),
  action: z.string().max(100).optional(),
  from: ZIsoDateTime.optional(),
  to: ZIsoDateTime.optional(),
  cursor: z.string().max(2000).optional(),
  limit: ZQueryInt(1, 50).default(20),
});
export const ZAuditEntry = z.object({
  id: ZUuid,
  actorUserId: ZUuid.nullable(),
  actorEmail: z.string().nullable(),
  action: z.string(),
  entityType: z.string(),
  entityId: z.string().nullable(),
  before: z.unknown(),
  after: z.unknown(),
  requestId: z.string().nullable(),
  createdAt: ZIsoDateTime,
});
export const ZAuditLogOutput = z.object({ items: z.array(ZAuditEntry), nextCursor: z.string().nullable() });

export const ZDeletedFaq = z.object({ id: ZUuid, deleted: z.literal(true) });
