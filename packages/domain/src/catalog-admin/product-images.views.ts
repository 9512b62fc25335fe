import type { productImages } from '@popbox/db';
import type { ObjectStorage } from '../ports/storage.js';

export const toImageRow = (
  storage: Pick<ObjectStorage, 'publicUrl'>,
  row: typeof productImages.$inferSelect,
) => ({
  id: row.id,
  productId: row.productId,
  storageKey: row.storageKey,
  sortOrder: row.sortOrder,
  altText: row.altText,
  url: storage.publicUrl(row.storageKey),
  createdAt: row.createdAt.toISOString(),
  updatedAt: row.updatedAt.toISOString(),
});
