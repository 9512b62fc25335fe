import { z } from 'zod';
import { ZCollection, ZTag } from './content.js';
import { ZCurrency, ZIsoDateTime, ZQueryInt, ZStrictBoolean, ZStrictInt, ZUuid } from './common.js';
import {
  ZAvailability,
  ZCollectionRef,
  ZInventoryView,
  ZPreSaleVisibility,
  ZProductDetail,
  ZProductStatus,
  ZProductType,
  ZTagRef,
} from './catalog.js';

export const ADMIN_PRODUCT_SORTS = [
  'updated_desc',
  'updated_asc',
  'inventory_desc',
  'inventory_asc',
] as const;

const ZCount = ZStrictInt(0);

/** Issue 13 admin list filter: start ahead (`upcoming`), inside the window (`live`), end passed (`ended`). */
export const ADMIN_SALE_FILTERS = ['upcoming', 'live', 'ended'] as const;

/** `tagIds` as a repeated query parameter and/or comma-separated values; non-empty when present. */
const ZQueryUuidList = z
  .union([z.string(), z.array(z.string())])
  .transform((v) =>
    (Array.isArray(v) ? v : [v])
      .flatMap((s) => s.split(','))
      .map((s) => s.trim())
      .filter(Boolean),
  )
  .pipe(z.array(ZUuid).min(1, 'At least one id is required'));

export const ZAdminListProductsInput = z.object({
  status: ZProductStatus.optional(),
  type: ZProductType.optional(),
  collectionId: ZUuid.optional(),
  tagIds: ZQueryUuidList.optional(),
  sale: z.enum(ADMIN_SALE_FILTERS).optional(),
  sort: z.enum(ADMIN_PRODUCT_SORTS).default('updated_desc'),
  cursor: z.string().max(2000).optional(),
  limit: ZQueryInt(1, 50).default(20),
});

export const ZAdminProductListItem = z.object({
  id: ZUuid,
  name: z.string(),
  slug: z.string(),
  sku: z.string().nullable(),
  status: ZProductStatus,
  productType: ZProductType,
  priceCents: z.int(),
  currency: z.string(),
  maxPerOrder: z.int().nullable(),
  maxPerBuyer: z.int().nullable(),
  collections: z.array(ZCollectionRef),
  inventory: ZInventoryView.nullable(),
  tags: z.array(ZTagRef),
  primaryImage: z
    .object({ url: z.string(), storageKey: z.string(), altText: z.string().nullable() })
    .nullable(),
  salesStartAt: ZIsoDateTime.nullable(),
  salesEndAt: ZIsoDateTime.nullable(),
  preSaleVisibility: ZPreSaleVisibility,
  availability: ZAvailability,
  updatedAt: ZIsoDateTime,
});
export const ZAdminListProductsOutput = z.object({
  items: z.array(ZAdminProductListItem),
  nextCursor: z.string().nullable(),
});

export const ZProductIdInput = z.strictObject({ id: ZUuid });

/** B13 admin detail: the public detail plus the pre-sale visibility (issue 13). */
export const ZAdminProductDetail = ZProductDetail.extend({ preSaleVisibility: ZPreSaleVisibility });

/**
 * Issue 13 sale window fields of create/update: UTC instants (any offset accepted), `null` clears one end;
 * the end must come after the start (400 naming `salesEndAt`, also against the stored start on update).
 */
const ZSaleInstant = ZIsoDateTime.nullable();
const saleWindowFields = {
  salesStartAt: ZSaleInstant.optional(),
  salesEndAt: ZSaleInstant.optional(),
  preSaleVisibility: ZPreSaleVisibility.optional(),
};

const ZName = (max: number) => z.string().trim().min(1, 'Must not be blank').max(max);
const ZNullableText = z.string().nullable();
/** Issue 13: a purchase cap, at least 1; null = no cap. */
const ZPurchaseCap = ZStrictInt(1, 1_000_000).nullable();
const ZSku = z.string().trim().min(1, 'Must not be blank (send null to clear)').max(120).nullable();
/** The legacy single-collection field is refused outright (B13). */
const ZForbiddenCollectionId = z
  .never({ error: 'collectionId is not accepted; send collectionIds' })
  .optional();

/**
 * B13 bodies are not strict (unknown fields are dropped, as the admin client expects), except the legacy
 * `collectionId`, which is refused outright.
 */
export const ZCreateProductInput = z.object({
  collectionIds: z.array(ZUuid),
  collectionId: ZForbiddenCollectionId,
  name: ZName(200),
  description: ZNullableText.optional(),
  productType: ZProductType.default('standard'),
  status: ZProductStatus.default('draft'),
  priceCents: ZCount,
  currency: ZCurrency.optional(),
  sku: ZSku.optional(),
  maxPerOrder: ZPurchaseCap.optional(),
  maxPerBuyer: ZPurchaseCap.optional(),
  tagIds: z.array(ZUuid).optional(),
  lowStockThreshold: ZCount.optional(),
  onHand: ZCount.optional(),
  ...saleWindowFields,
});

export const ZSlugValue = z
  .string()
  .max(220)
  .regex(/^[a-z0-9]+(?:-[a-z0-9]+)*$/, 'Lower-case letters, digits and single dashes only');

export const ZUpdateProductInput = z.object({
  id: ZUuid,
  collectionIds: z.array(ZUuid).optional(),
  collectionId: ZForbiddenCollectionId,
  name: ZName(200).optional(),
  /** F10: renaming keeps the slug; send `slug` to change it. */
  slug: ZSlugValue.optional(),
  description: ZNullableText.optional(),
  productType: ZProductType.optional(),
  status: ZProductStatus.optional(),
  priceCents: ZCount.optional(),
  currency: ZCurrency.optional(),
  sku: ZSku.optional(),
  maxPerOrder: ZPurchaseCap.optional(),
  maxPerBuyer: ZPurchaseCap.optional(),
  tagIds: z.array(ZUuid).optional(),
  lowStockThreshold: ZCount.optional(),
  /** Accepted and ignored (B13): stock changes go through the inventory endpoint. */
  onHand: ZCount.optional(),
  ...saleWindowFields,
});

export const ZUpdateInventoryInput = z.object({
  id: ZUuid,
  onHand: ZCount.optional(),
  lowStockThreshold: ZCount.optional(),
});
export const ZInventoryRow = z.object({
  productId: ZUuid,
  onHand: z.int(),
  reserved: z.int(),
  lowStockThreshold: z.int(),
  createdAt: ZIsoDateTime,
  updatedAt: ZIsoDateTime,
});

export const ZProductImageRow = z.object({
  id: ZUuid,
  productId: ZUuid,
  storageKey: z.string(),
  sortOrder: z.int(),
  altText: z.string().nullable(),
  url: z.string(),
  createdAt: ZIsoDateTime,
  updatedAt: ZIsoDateTime,
});
export const ZProductImagesOutput = z.object({ images: z.array(ZProductImageRow) });
export const ZReorderImagesInput = z.object({ id: ZUuid, imageIds: z.array(ZUuid).min(1) });
export const ZDeleteImageInput = z.strictObject({ id: ZUuid, imageId: ZUuid });

export const ZAdminCollection = ZCollection.extend({ createdAt: ZIsoDateTime, updatedAt: ZIsoDateTime });
export const ZAdminListCollectionsOutput = z.object({ items: z.array(ZAdminCollection) });
export const ZCreateCollectionInput = z.object({
  name: ZName(160),
  description: ZNullableText.optional(),
  sortOrder: ZCount.optional(),
  isActive: ZStrictBoolean.optional(),
});
export const ZUpdateCollectionInput = ZCreateCollectionInput.partial().extend({ id: ZUuid });

export const ZAdminTag = ZTag.extend({ createdAt: ZIsoDateTime, updatedAt: ZIsoDateTime });
export const ZAdminListTagsOutput = z.object({ items: z.array(ZAdminTag) });
export const ZCreateTagInput = z.object({ name: ZName(160), tagType: ZName(64) });
export const ZUpdateTagInput = ZCreateTagInput.partial().extend({ id: ZUuid });
