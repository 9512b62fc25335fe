import type { ObjectStorage } from '../ports/storage.js';
import { saleAvailability, type Availability } from './sale-window.rules.js';
import {
  cardInventory,
  type CardReadRow,
  type CardRow,
  type ImageJson,
  type InventoryJson,
} from './product-card.queries.js';

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

/** A card as the API shows it: the stored static JSON, live stock, image URLs and the clock's availability. */
export function toProductCard(
  storage: Pick<ObjectStorage, 'publicUrl'>,
  row: CardReadRow,
  now: Date,
): ProductCard {
  const c = row.card;
  const card: ProductCard = {
    id: c.id,
    name: c.name,
    slug: c.slug,
    description: c.description,
    productType: c.productType,
    status: c.status,
    priceCents: c.priceCents,
    currency: c.currency,
    maxPerOrder: c.maxPerOrder,
    maxPerBuyer: c.maxPerBuyer,
    collections: c.collections,
    images: c.primaryImage ? [toImageView(storage, c.primaryImage)] : [],
    inventory: toInventoryView(cardInventory(row)),
    availability: saleAvailability(c, now),
    salesStartAt: c.salesStartAt,
    salesEndAt: c.salesEndAt,
  };
  if (c.productType === 'kuji') {
    card.ticketSummary = c.ticketSummary ?? { remainingTickets: 0, totalTickets: 0 };
  }
  return card;
}
