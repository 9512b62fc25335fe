import { sql, type AnyColumn, type SQL } from 'drizzle-orm';
import { isIsoInstant } from './cursor-fields.js';

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

/** A cursor timestamp as we wrote it (ISO with up to microseconds) that PostgreSQL will accept. */
export const isPreciseTimestamp = (value: unknown): value is string => isIsoInstant(value);
