import { z } from 'zod';
import { ZIsoDateTime, ZQueryInt, ZUuid } from './common.js';

export const PRODUCT_TYPES = ['standard', 'kuji'] as const;
export const PRODUCT_STATUSES = ['draft', 'active', 'archived'] as const;
export const PUBLIC_PRODUCT_SORTS = [
  'newest',
  'price_asc',
  'price_desc',
  'name_asc',
  'name_desc',
  'trending',
] as const;

export const ZProductType = z.enum(PRODUCT_TYPES);
/** Issue 13: where the injected clock falls in the product's sale window. */
export const PRODUCT_AVAILABILITIES = ['coming_soon', 'on_sale', 'ended'] as const;
export const ZAvailability = z.enum(PRODUCT_AVAILABILITIES);
export const PRE_SALE_VISIBILITIES = ['announced', 'hidden'] as const;
export const ZPreSaleVisibility = z.enum(PRE_SALE_VISIBILITIES);
export const ZProductStatus = z.enum(PRODUCT_STATUSES);

export const ZCollectionRef = z.object({ id: ZUuid, name: z.string(), slug: z.string() });
export const ZTagRef = z.object({ id: ZUuid, name: z.string(), slug: z.string() });

export const ZProductImage = z.object({
  id: ZUuid,
  storageKey: z.string(),
  altText: z.string().nullable(),
  sortOrder: z.int(),
  url: z.string(),
});

export const ZInventoryView = z.object({
  onHand: z.int(),
  reserved: z.int(),
  available: z.int().min(0),
  lowStockThreshold: z.int(),
});

export const ZTicketSummary = z.object({ remainingTickets: z.int(), totalTickets: z.int() });

/** The card of lists, search, home and recommendations (B1). `ticketSummary` only on kuji cards. */
export const ZProductCard = z.object({
  id: ZUuid,
  name: z.string(),
  slug: z.string(),
  description: z.string().nullable(),
  productType: ZProductType,
  status: ZProductStatus,
  priceCents: z.int(),
  currency: z.string(),
  /** Issue 13: units one order may hold (kuji: tickets); null = no cap. */
  maxPerOrder: z.int().nullable(),
  /** Issue 13: units one buyer may buy (over the sale window, or all time); null = no cap. */
  maxPerBuyer: z.int().nullable(),
  collections: z.array(ZCollectionRef),
  images: z.array(ZProductImage),
  inventory: ZInventoryView.nullable(),
  ticketSummary: ZTicketSummary.optional(),
  /**
   * Issue 13: `coming_soon` before `salesStartAt` (an announced drop: show a countdown; checkout answers 409
   * NOT_ON_SALE_YET), `on_sale` inside the window, `ended` from `salesEndAt` on (409 SALE_ENDED).
   */
  availability: ZAvailability,
  salesStartAt: ZIsoDateTime.nullable(),
  salesEndAt: ZIsoDateTime.nullable(),
});

export const ZKujiPrize = z.object({
  id: ZUuid,
  prizeCode: z.string(),
  prizeTier: z.string(),
  name: z.string(),
  description: z.string().nullable(),
  imageUrl: z.string().nullable(),
  remainingQuantity: z.int(),
  initialQuantity: z.int(),
  sortOrder: z.int(),
});

/** Full product (B1 detail, B13 admin detail): all images, tags, inventory and the prize board. */
export const ZProductDetail = ZProductCard.omit({ ticketSummary: true }).extend({
  sku: z.string().nullable(),
  tags: z.array(z.object({ id: ZUuid, name: z.string(), slug: z.string(), tagType: z.string() })),
  kujiPrizes: z.array(ZKujiPrize),
  createdAt: ZIsoDateTime,
  updatedAt: ZIsoDateTime,
});

const ZSlug = z.string().min(1).max(220);
const ZCursor = z.string().max(2000);

export const ZListProductsInput = z.strictObject({
  limit: ZQueryInt(1, 50).default(20),
  cursor: ZCursor.optional(),
  collection: ZSlug.optional(),
  tag: ZSlug.optional(),
  type: ZProductType.optional(),
  sort: z.enum(PUBLIC_PRODUCT_SORTS).default('newest'),
});
export const ZListProductsOutput = z.object({
  items: z.array(ZProductCard),
  nextCursor: z.string().nullable(),
});

export const ZGetProductInput = z.strictObject({ slug: ZSlug });

export const ZRecommendationsInput = z.strictObject({
  slug: ZSlug,
  limit: ZQueryInt(1, 12).default(4),
});
export const ZRecommendationsOutput = z.object({
  items: z.array(ZProductCard),
  meta: z.object({ count: z.int(), limit: z.int() }),
});

const ZSearchQuery = z
  .string()
  .max(200)
  .transform((q) => q.trim().replace(/\s+/g, ' '))
  .pipe(z.string().min(2, 'Must be at least 2 characters after trimming'));

export const ZSearchInput = z.strictObject({ q: ZSearchQuery, limit: ZQueryInt(1, 50).default(20) });
export const ZSearchOutput = z.object({ items: z.array(ZProductCard), nextCursor: z.null() });

export const ZAutocompleteInput = z.strictObject({ q: ZSearchQuery, limit: ZQueryInt(1, 10).default(5) });
export const ZAutocompleteOutput = z.object({
  items: z.array(
    z.object({
      id: ZUuid,
      name: z.string(),
      slug: z.string(),
      thumbnailUrl: z.string().nullable(),
      priceCents: z.int(),
      currency: z.string(),
    }),
  ),
});

export const ZHomeOutput = z.object({
  featured: z.array(ZProductCard),
  trendingNow: z.array(ZProductCard),
  allProductsPreview: z.array(ZProductCard),
});

export type TProductCard = z.infer<typeof ZProductCard>;
export type TProductDetail = z.infer<typeof ZProductDetail>;
export type TListProductsInput = z.infer<typeof ZListProductsInput>;
