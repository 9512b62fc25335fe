import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { eq, sql } from 'drizzle-orm';
import type { Executor } from './client.js';
import {
  collections,
  faqItems,
  kujiPrizes,
  legalDocuments,
  productCollections,
  productImages,
  productInventory,
  products,
  productTags,
  storeSettings,
  tags,
  users,
} from './schema/index.js';
import { buildCatalog } from './seed/build.js';
import {
  ADMIN_USER,
  FAQ_ITEMS,
  LEGAL_DOCUMENTS,
  SEED_VERSION,
  SEED_VERSION_KEY,
  SHIPPING_SETTING,
  STORE_BANNER_SETTING,
} from './seed/content-data.js';
import { SEED_EPOCH, daysBefore, seedUuid } from './seed/ids.js';

export interface SeedOptions {
  /** Root of the local object storage; images go to {storageDir}/products/{productId}/{file}.png. */
  storageDir: string;
}

export interface SeedResult {
  /** False when the seed marker was already present and nothing was done. */
  seeded: boolean;
  products: number;
  images: number;
}

/**
 * Demo data for the zero-config dev setup: a small anime-merch shop. Deterministic (fixed ids and
 * timestamps relative to 2026-11-01) and idempotent: once the `seed_version` setting exists it does nothing.
 */
export async function seedDemo(db: Executor, options: SeedOptions): Promise<SeedResult> {
  if (await isSeeded(db)) return { seeded: false, products: 0, images: 0 };

  const catalog = buildCatalog();
  // Files first: if the transaction then fails they are simply rewritten (same bytes) by the next run.
  for (const file of catalog.files) {
    const path = join(options.storageDir, file.key);
    await mkdir(dirname(path), { recursive: true });
    await writeFile(path, file.bytes);
  }

  return db.transaction(async (tx) => {
    // Two processes seeding at once (API + jobs on first start): the second waits, then sees the marker.
    await tx.execute(sql`select pg_advisory_xact_lock(hashtext('popbox:seed-demo'))`);
    if (await isSeeded(tx)) return { seeded: false, products: 0, images: 0 };

    // The admin may already exist (granted with the CLI before the first seed).
    await tx
      .insert(users)
      .values({ ...ADMIN_USER, role: 'admin', createdAt: SEED_EPOCH, updatedAt: SEED_EPOCH })
      .onConflictDoNothing();
    await tx.insert(collections).values(catalog.collections);
    await tx.insert(tags).values(catalog.tags);
    await tx.insert(products).values(catalog.products);
    await tx.insert(productInventory).values(catalog.inventory);
    await tx.insert(productCollections).values(catalog.productCollections);
    await tx.insert(productTags).values(catalog.productTags);
    await tx.insert(productImages).values(catalog.images);
    await tx.insert(kujiPrizes).values(catalog.kujiPrizes);
    await insertContent(tx);
    return { seeded: true, products: catalog.products.length, images: catalog.images.length };
  });
}

async function isSeeded(executor: Executor): Promise<boolean> {
  const rows = await executor
    .select({ key: storeSettings.key })
    .from(storeSettings)
    .where(eq(storeSettings.key, SEED_VERSION_KEY));
  return rows.length > 0;
}

async function insertContent(tx: Executor): Promise<void> {
  const legalAt = daysBefore(190);
  await tx.insert(legalDocuments).values(
    LEGAL_DOCUMENTS.map((doc) => ({
      id: seedUuid(`legal:${doc.type}:1`),
      type: doc.type,
      content: doc.content,
      version: 1,
      isActive: true,
      createdAt: legalAt,
      updatedAt: legalAt,
    })),
  );
  await tx.insert(faqItems).values(
    FAQ_ITEMS.map((item, index) => {
      const at = daysBefore(180 - index);
      return { id: seedUuid(`faq:${index}`), ...item, sortOrder: index, createdAt: at, updatedAt: at };
    }),
  );
  // Settings the API would otherwise default-insert on first read; keep theirs if they already exist.
  await tx
    .insert(storeSettings)
    .values([
      { key: 'shipping', value: SHIPPING_SETTING, createdAt: SEED_EPOCH, updatedAt: SEED_EPOCH },
      { key: 'store_banner', value: STORE_BANNER_SETTING, createdAt: SEED_EPOCH, updatedAt: SEED_EPOCH },
    ])
    .onConflictDoNothing();
  // The marker goes last, in the same transaction: it exists only if everything else does.
  await tx.insert(storeSettings).values({
    key: SEED_VERSION_KEY,
    value: { version: SEED_VERSION, seededFor: SEED_EPOCH.toISOString() },
    createdAt: SEED_EPOCH,
    updatedAt: SEED_EPOCH,
  });
}
