import type { Deps } from '../shared/deps.js';
import type { ObjectStorage } from '../ports/storage.js';
import { saleAvailability, type Availability } from './sale-window.rules.js';
import { selectCardRows, type CardRow, type ImageJson, type InventoryJson } from './product-card.queries.js';

export interface ImageView extends ImageJson {
  url: string;
}
export interface InventoryView extends InventoryJson {
  available: number;
}

export interface ProductCard {
  id: string;
  name: string;
  slug: string;
  description: string | null;
  productType: CardRow['productType'];
  status: CardRow['status'];
  priceCents: number;
  currency: string;
  maxPerOrder: number | null;
  maxPerBuyer: number | null;
  collections: CardRow['collections'];
  images: ImageView[];
  inventory: InventoryView | null;
  ticketSummary?: { remainingTickets: number; totalTickets: number };
  /** Issue 13, from the injected clock: before the start, inside the window, or after its end. */
  availability: Availability;
  salesStartAt: string | null;
  salesEndAt: string | null;
}

export const toImageView = (storage: Pick<ObjectStorage, 'publicUrl'>, image: ImageJson): ImageView => ({
  ...image,
  url: storage.publicUrl(image.storageKey),
});

/** `available` is clamped at 0 in API views (spec "product_inventory"). */
export const toInventoryView = (inventory: InventoryJson | null): InventoryView | null =>
  inventory && { ...inventory, available: Math.max(inventory.onHand - inventory.reserved, 0) };

export function toProductCard(
  storage: Pick<ObjectStorage, 'publicUrl'>,
  row: CardRow,
  now: Date,
): ProductCard {
  const card: ProductCard = {
    id: row.id,
    name: row.name,
    slug: row.slug,
    description: row.description,
    productType: row.productType,
    status: row.status,
    priceCents: row.priceCents,
    currency: row.currency,
    maxPerOrder: row.maxPerOrder,
    maxPerBuyer: row.maxPerBuyer,
    collections: row.collections,
    images: row.primaryImage ? [toImageView(storage, row.primaryImage)] : [],
    inventory: toInventoryView(row.inventory),
    availability: saleAvailability(row, now),
    salesStartAt: row.salesStartAt,
    salesEndAt: row.salesEndAt,
  };
  if (row.productType === 'kuji') {
    card.ticketSummary = row.ticketSummary ?? { remainingTickets: 0, totalTickets: 0 };
  }
  return card;
}

/** Cards for the given ids, in exactly the order requested (B1); ids that no longer exist are skipped. */
export async function loadProductCards(
  deps: Pick<Deps, 'db' | 'storage' | 'clock'>,
  ids: readonly string[],
): Promise<ProductCard[]> {
  const now = deps.clock.now();
  const byId = new Map((await selectCardRows(deps.db, ids)).map((row) => [row.id, row]));
  return ids.flatMap((id) => {
    const row = byId.get(id);
    return row ? [toProductCard(deps.storage, row, now)] : [];
  });
}
