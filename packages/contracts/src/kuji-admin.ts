import { z } from 'zod';
import { ZIsoDateTime, ZStrictInt, ZUuid } from './common.js';

const ZQuantity = ZStrictInt(0);
const ZCode = z.string().trim().min(1, 'Must not be blank').max(64);

export const ZKujiPrizeRow = z.object({
  id: ZUuid,
  productId: ZUuid,
  prizeCode: z.string(),
  prizeTier: z.string(),
  name: z.string(),
  description: z.string().nullable(),
  imageUrl: z.string().nullable(),
  initialQuantity: z.int(),
  remainingQuantity: z.int(),
  sortOrder: z.int(),
  createdAt: ZIsoDateTime,
  updatedAt: ZIsoDateTime,
});
export const ZListKujiPrizesOutput = z.object({ items: z.array(ZKujiPrizeRow) });

const ZImageUrl = z
  .url({ protocol: /^https?$/, error: 'Must be an absolute http(s) URL' })
  .max(500)
  .nullable();

export const ZCreateKujiPrizeInput = z.object({
  id: ZUuid,
  prizeCode: ZCode,
  prizeTier: ZCode,
  name: z.string().trim().min(1, 'Must not be blank').max(200),
  description: z.string().nullable().optional(),
  imageUrl: ZImageUrl.optional(),
  initialQuantity: ZQuantity,
  remainingQuantity: ZQuantity.optional(),
  sortOrder: ZQuantity.optional(),
});

export const ZUpdateKujiPrizeInput = ZCreateKujiPrizeInput.omit({ id: true })
  .partial()
  .extend({ id: ZUuid, prizeId: ZUuid });
export const ZKujiPrizeIdInput = z.strictObject({ id: ZUuid, prizeId: ZUuid });
