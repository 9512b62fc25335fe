import { sql } from 'drizzle-orm';
import type { Tx } from '@popbox/db';
import { rows } from '../shared/sql.js';
import { slugify, uniqueSlug } from '../shared/slug.js';

export type SluggedTable = 'products' | 'collections' | 'tags';

/**
 * F10: the slug is decided inside the write transaction. A transaction-scoped advisory lock on
 * (table, base) serialises writers of the same base, so two concurrent "Mug" creations get `mug` and
 * `mug-2` instead of one of them failing on the unique index.
 */
export async function allocateSlug(
  tx: Tx,
  table: SluggedTable,
  name: string,
  exceptId?: string,
): Promise<string> {
  const base = slugify(name) || 'item';
  await lockSlug(tx, table, base);
  const taken = await rows<{ slug: string }>(
    tx,
    sql`select slug from ${sql.identifier(table)}
        where (slug = ${base} or slug like ${`${base}-%`}) ${exceptId ? sql`and id <> ${exceptId}` : sql``}`,
  );
  const set = new Set(taken.map((r) => r.slug));
  return uniqueSlug(base, async (candidate) => set.has(candidate));
}

export async function lockSlug(tx: Tx, table: SluggedTable, slug: string): Promise<void> {
  await tx.execute(sql`select pg_advisory_xact_lock(hashtext(${`${table}:slug:${slug}`}))`);
}

/** Whether a row other than `exceptId` owns `slug` (after taking the slug's lock). */
export async function isSlugTaken(
  tx: Tx,
  table: SluggedTable,
  slug: string,
  exceptId: string,
): Promise<boolean> {
  await lockSlug(tx, table, slug);
  const found = await rows(
    tx,
    sql`select 1 from ${sql.identifier(table)} where slug = ${slug} and id <> ${exceptId}`,
  );
  return found.length > 0;
}
