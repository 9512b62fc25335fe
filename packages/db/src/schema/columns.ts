import { customType, timestamp, uuid } from 'drizzle-orm/pg-core';

/** Random UUID primary key (gen_random_uuid() is core since PG 13; pgcrypto is loaded anyway per spec). */
export const id = () => uuid('id').primaryKey().defaultRandom();

/** Timestamps are always timestamptz and surface as JS Dates. */
export const tstz = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' });

export const createdAt = () => tstz('created_at').notNull().defaultNow();

/** Refreshed by the `set_updated_at` trigger on every UPDATE (custom migration), so app code never sets it. */
export const updatedAt = () => tstz('updated_at').notNull().defaultNow();

/** drizzle has no tsvector builder; the value is only ever written by database triggers. */
export const tsvector = customType<{ data: string; driverData: string }>({
  dataType: () => 'tsvector',
});

/*
 * Index note: drizzle-kit renders `.desc()` as `DESC NULLS LAST`, which PostgreSQL will NOT use for a plain
 * `ORDER BY x DESC` (= DESC NULLS FIRST), even on NOT NULL columns. Descending index columns are therefore
 * written `.desc().nullsFirst()`, matching drizzle's `desc(col)` in queries.
 */
