import type { ProductStatus, ProductType } from '@popbox/db';
import type { Deps } from '../shared/deps.js';
import { decodeCursor, encodeCursor } from '../shared/cursor.js';
import { toInventoryView, type InventoryView } from '../catalog/product-card.js';
import {
  selectAdminItems,
  selectAdminProductPage,
  type AdminItemRow,
  type AdminSaleFilter,
} from './admin-products.queries.js';
import { saleAvailability, type Availability } from '../catalog/sale-window.rules.js';
import { adminCursorValue, parseAdminCursor, type AdminSort } from './admin-listing.rules.js';

export interface AdminListProductsInput {
  status?: ProductStatus | undefined;
  type?: ProductType | undefined;
  collectionId?: string | undefined;
  tagIds?: string[] | undefined;
  sale?: AdminSaleFilter | undefined;
  sort: AdminSort;
  cursor?: string | undefined;
  limit: number;
}

export interface AdminProductListItem extends Omit<AdminItemRow, 'primaryImage' | 'inventory'> {
  inventory: InventoryView | null;
  primaryImage: { url: string; storageKey: string; altText: string | null } | null;
  availability: Availability;
}

/** B13 admin product list: any status, filters, updated/inventory sorts, keyset cursor; two queries a page. */
export async function listAdminProducts(
  deps: Pick<Deps, 'db' | 'storage' | 'clock'>,
  input: AdminListProductsInput,
): Promise<{ items: AdminProductListItem[]; nextCursor: string | null }> {
  const now = deps.clock.now();
  const page = await selectAdminProductPage(deps.db, {
    ...input,
    now,
    cursor: decodeCursor(input.cursor, (raw) => parseAdminCursor(raw, input.sort)),
  });
  const rows = page.slice(0, input.limit);
  const last = rows[rows.length - 1];
  const byId = new Map(
    (
      await selectAdminItems(
        deps.db,
        rows.map((r) => r.id),
      )
    ).map((r) => [r.id, r]),
  );
  const items = rows.flatMap((r) => {
    const item = byId.get(r.id);
    if (!item) return [];
    const { primaryImage, inventory, ...rest } = item;
    return [
      {
        ...rest,
        inventory: toInventoryView(inventory),
        availability: saleAvailability(rest, now),
        primaryImage: primaryImage && {
          url: deps.storage.publicUrl(primaryImage.storageKey),
          storageKey: primaryImage.storageKey,
          altText: primaryImage.altText,
        },
      },
    ];
  });
  return {
    items,
    nextCursor: page.length > input.limit && last ? encodeCursor(adminCursorValue(input.sort, last)) : null,
  };
}
