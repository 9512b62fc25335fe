import type { collections, tags } from '@popbox/db';

/** Raw collection/tag rows as the admin API shows them (timestamps as ISO strings). */
export const toAdminCollection = (row: typeof collections.$inferSelect) => ({
  id: row.id,
  name: row.name,
  slug: row.slug,
  description: row.description,
  sortOrder: row.sortOrder,
  isActive: row.isActive,
  createdAt: row.createdAt.toISOString(),
  updatedAt: row.updatedAt.toISOString(),
});

export const toAdminTag = (row: typeof tags.$inferSelect) => ({
  id: row.id,
  name: row.name,
  slug: row.slug,
  tagType: row.tagType,
  createdAt: row.createdAt.toISOString(),
  updatedAt: row.updatedAt.toISOString(),
});
