import type {
  collections,
  kujiPrizes,
  productCollections,
  productImages,
  productInventory,
  products,
  productTags,
  tags,
} from '../schema/index.js';
import {
  CATEGORIES,
  COLLECTIONS,
  KUJI_BOARDS,
  SERIES,
  STANDARD_PRODUCTS,
  describe,
  type CategoryKey,
  type ProductSeedStatus,
  type SeriesKey,
} from './catalog-data.js';
import { daysBefore, seedInt, seedUuid, slugify } from './ids.js';
import { placeholderImage } from './png.js';

export interface SeedFile {
  /** Relative to the storage root, identical to the image's storage_key. */
  key: string;
  bytes: Buffer;
}

export interface CatalogSeed {
  collections: (typeof collections.$inferInsert)[];
  tags: (typeof tags.$inferInsert)[];
  products: (typeof products.$inferInsert)[];
  inventory: (typeof productInventory.$inferInsert)[];
  productCollections: (typeof productCollections.$inferInsert)[];
  productTags: (typeof productTags.$inferInsert)[];
  images: (typeof productImages.$inferInsert)[];
  kujiPrizes: (typeof kujiPrizes.$inferInsert)[];
  files: SeedFile[];
}

interface ProductSpec {
  name: string;
  series: SeriesKey;
  category: CategoryKey;
  priceCents: number;
  status: ProductSeedStatus;
  featured: boolean;
  onHand: number;
  description: string;
  kujiPrizes?: (typeof KUJI_BOARDS)[number]['prizes'];
}

const collectionId = (slug: string) => seedUuid(`collection:${slug}`);
const tagId = (name: string) => seedUuid(`tag:${slugify(name)}`);

/** Pure: the whole demo catalog as rows, with deterministic ids, timestamps and image bytes. */
export function buildCatalog(): CatalogSeed {
  const seed: CatalogSeed = {
    collections: [],
    tags: [],
    products: [],
    inventory: [],
    productCollections: [],
    productTags: [],
    images: [],
    kujiPrizes: [],
    files: [],
  };
  const shelvesAt = daysBefore(200);
  COLLECTIONS.forEach((c, index) => {
    seed.collections.push({
      id: collectionId(c.slug),
      ...c,
      sortOrder: index,
      createdAt: shelvesAt,
      updatedAt: shelvesAt,
    });
  });
  const tagRows = [
    ...Object.values(SERIES).map((s) => ({ name: s.name, tagType: 'series' })),
    ...Object.values(CATEGORIES).map((c) => ({ name: c.name, tagType: 'category' })),
  ];
  for (const { name, tagType } of tagRows) {
    seed.tags.push({
      id: tagId(name),
      name,
      slug: slugify(name),
      tagType,
      createdAt: shelvesAt,
      updatedAt: shelvesAt,
    });
  }

  const specs = productSpecs();
  // The newest ten active products form "New Arrivals".
  const activeIndexes = specs.flatMap((s, i) => (s.status === 'active' ? [i] : []));
  const newest = new Set(activeIndexes.slice(-10));
  specs.forEach((spec, index) => {
    // Oldest first, ~4 days apart, at varying hours, ending a day before the seed epoch.
    const createdAt = daysBefore(1 + (specs.length - 1 - index) * 4 + seedInt(spec.name, 20) / 24);
    addProduct(seed, spec, { index, createdAt, isNew: newest.has(index) });
  });
  return seed;
}

function addProduct(
  seed: CatalogSeed,
  spec: ProductSpec,
  at: { index: number; createdAt: Date; isNew: boolean },
): void {
  const { createdAt } = at;
  const slug = slugify(spec.name);
  const id = seedUuid(`product:${slug}`);
  const category = CATEGORIES[spec.category];
  seed.products.push({
    id,
    name: spec.name,
    slug,
    description: spec.description,
    productType: spec.category === 'kuji' ? 'kuji' : 'standard',
    status: spec.status,
    priceCents: spec.priceCents,
    currency: 'CAD',
    sku: `PBX-${spec.series.toUpperCase()}-${String(at.index + 1).padStart(3, '0')}`,
    createdAt,
    updatedAt: createdAt,
  });
  seed.inventory.push({
    productId: id,
    onHand: spec.onHand,
    reserved: 0,
    lowStockThreshold: category.threshold,
    createdAt,
    updatedAt: createdAt,
  });
  // Join sort_order = position of the collection in the product's own list (spec product_collections).
  const shelves = [category.collection, at.isNew ? 'new-arrivals' : null, spec.featured ? 'featured' : null];
  shelves
    .filter((s): s is string => s !== null)
    .forEach((shelf, position) => {
      seed.productCollections.push({
        productId: id,
        collectionId: collectionId(shelf),
        sortOrder: position,
        createdAt,
      });
    });
  for (const name of [SERIES[spec.series].name, category.name]) {
    seed.productTags.push({ productId: id, tagId: tagId(name), createdAt });
  }
  addImages(seed, spec, id, slug, createdAt);
  spec.kujiPrizes?.forEach((prize, sortOrder) => {
    seed.kujiPrizes.push({
      id: seedUuid(`kuji-prize:${slug}:${prize.code}`),
      productId: id,
      prizeCode: prize.code,
      prizeTier: prize.tier,
      name: prize.name,
      description: prize.tier === 'LO' ? 'Awarded to whoever draws the final ticket of the board.' : null,
      initialQuantity: prize.quantity,
      remainingQuantity: prize.quantity,
      sortOrder,
      createdAt,
      updatedAt: createdAt,
    });
  });
}

/** One or two placeholder PNGs per product, stored under the same key the image row carries. */
function addImages(
  seed: CatalogSeed,
  spec: ProductSpec,
  productId: string,
  slug: string,
  createdAt: Date,
): void {
  const [background, accent] = SERIES[spec.series].colors;
  const count = 1 + seedInt(`images:${slug}`, 2);
  for (let n = 1; n <= count; n++) {
    const key = `products/${productId}/${slug}-${n}.png`;
    seed.files.push({
      key,
      bytes: placeholderImage(background, accent, seedInt(key, 6), CATEGORIES[spec.category].band),
    });
    const at = new Date(createdAt.getTime() + n * 1000);
    seed.images.push({
      id: seedUuid(`image:${key}`),
      productId,
      storageKey: key,
      sortOrder: n - 1,
      altText: n === 1 ? spec.name : `${spec.name} (alternate view)`,
      createdAt: at,
      updatedAt: at,
    });
  }
}

function productSpecs(): ProductSpec[] {
  const standard = STANDARD_PRODUCTS.map((p): ProductSpec => ({
    ...p,
    status: p.status ?? 'active',
    featured: p.featured ?? false,
    description: describe(p.category, SERIES[p.series].name),
  }));
  const kuji = KUJI_BOARDS.map((b): ProductSpec => ({
    name: b.name,
    series: b.series,
    category: 'kuji',
    priceCents: b.priceCents,
    status: 'active',
    featured: b.featured,
    description: b.description,
    // Kuji on_hand is derived: the remaining non-Last-One tickets.
    onHand: b.prizes.filter((p) => p.tier !== 'LO').reduce((sum, p) => sum + p.quantity, 0),
    kujiPrizes: b.prizes,
  }));
  // Boards interleaved into the timeline: board 1 mid-catalog, board 2 recent.
  return [...standard.slice(0, 20), kuji[0]!, ...standard.slice(20, 38), kuji[1]!, ...standard.slice(38)];
}
