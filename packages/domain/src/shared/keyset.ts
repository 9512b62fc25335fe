import { sql, type AnyColumn, type SQL } from 'drizzle-orm';

/**
 * Keyset cursors over timestamps must keep PostgreSQL's microseconds: a JS Date keeps milliseconds only,
 * so a cursor built from it skips rows created within the same millisecond. Select this text alongside the
 * row and put it in the cursor.
 */
export const preciseTimestamp = (column: AnyColumn): SQL<string> =>
  sql<string>`to_char(${column} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`;

/** Rows strictly after `(at, id)` in a `(column DESC, id DESC)` listing (row comparison, index-friendly). */
export const beforeKey = (column: AnyColumn, idColumn: AnyColumn, at: string, id: string): SQL =>
  sql`(${column}, ${idColumn}) < (${at}::timestamptz, ${id}::uuid)`;

/** Rows strictly after `(at, id)` in a `(column ASC, id ASC)` listing. */
export const afterKey = (column: AnyColumn, idColumn: AnyColumn, at: string, id: string): SQL =>
  sql`(${column}, ${idColumn}) > (${at}::timestamptz, ${id}::uuid)`;

/** A cursor timestamp as we wrote it (ISO with up to microseconds), or null. */
export const isPreciseTimestamp = (value: unknown): value is string =>
  typeof value === 'string' &&
  /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,6})?Z$/.test(value) &&
  !Number.isNaN(Date.parse(value));
