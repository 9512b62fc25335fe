import { z } from 'zod';
import { ZIsoDateTime, ZUuid } from './common.js';

export const ZCollection = z.object({
  id: ZUuid,
  name: z.string(),
  slug: z.string(),
  description: z.string().nullable(),
  sortOrder: z.int(),
  isActive: z.boolean(),
});
export const ZListCollectionsOutput = z.object({ items: z.array(ZCollection) });

export const ZTag = z.object({ id: ZUuid, name: z.string(), slug: z.string(), tagType: z.string() });
export const ZListTagsOutput = z.object({ items: z.array(ZTag) });

export const ZBannerItem = z.object({
  id: z.string(),
  message: z.string(),
  linkLabel: z.string().nullable(),
  linkHref: z.string().nullable(),
  sortOrder: z.int(),
  isActive: z.boolean(),
});
export const ZStoreBanner = z.object({ enabled: z.boolean(), items: z.array(ZBannerItem) });

export const LEGAL_TYPES = ['shipping_returns', 'terms', 'privacy'] as const;
export const ZLegalType = z.enum(LEGAL_TYPES);
export const ZLegalDocument = z.object({
  id: ZUuid,
  type: ZLegalType,
  title: z.string(),
  content: z.string(),
  version: z.int(),
  isActive: z.boolean(),
  createdAt: ZIsoDateTime,
  updatedAt: ZIsoDateTime,
});
export const ZListLegalOutput = z.object({ items: z.array(ZLegalDocument) });
export const ZGetLegalInput = z.strictObject({ type: ZLegalType });

export const ZFaqItem = z.object({
  id: ZUuid,
  question: z.string(),
  answer: z.string(),
  category: z.string().nullable(),
  sortOrder: z.int(),
  isPublished: z.boolean(),
  createdAt: ZIsoDateTime,
  updatedAt: ZIsoDateTime,
});
export const ZListFaqOutput = z.object({ items: z.array(ZFaqItem) });

export const ZEmptyInput = z.strictObject({}).optional();

export type TCollection = z.infer<typeof ZCollection>;
export type TStoreBanner = z.infer<typeof ZStoreBanner>;
export type TLegalDocument = z.infer<typeof ZLegalDocument>;
export type TFaqItem = z.infer<typeof ZFaqItem>;
