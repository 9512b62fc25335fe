import type { ProductDetail } from '../catalog/product-detail.js';

/** The before/after summary stored in the audit log for a product (F13): what staff edit, not the images. */
export const productAuditSummary = (p: ProductDetail) => ({
  name: p.name,
  slug: p.slug,
  sku: p.sku,
  description: p.description,
  productType: p.productType,
  status: p.status,
  priceCents: p.priceCents,
  currency: p.currency,
  maxPerOrder: p.maxPerOrder,
  maxPerBuyer: p.maxPerBuyer,
  collectionIds: p.collections.map((c) => c.id),
  tagIds: p.tags.map((t) => t.id),
  lowStockThreshold: p.inventory?.lowStockThreshold ?? null,
  // Issue 13: scheduling, moving or clearing a drop shows in the audit log like any other edit.
  salesStartAt: p.salesStartAt,
  salesEndAt: p.salesEndAt,
  preSaleVisibility: p.preSaleVisibility,
});
