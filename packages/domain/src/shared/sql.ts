import { sql, type SQL } from 'drizzle-orm';
import { executeRows, type Executor } from '@popbox/db';

/** ISO-8601 UTC with millisecond precision, for API output. */
export const isoMs = (column: SQL) =>
  sql`to_char(${column} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;

/**
 * ISO-8601 UTC with the column's full microsecond precision, for keyset cursors: a millisecond value would
 * make the "after this tuple" condition skip or repeat rows created within the same millisecond.
 */
export const isoUs = (column: SQL) =>
  sql`to_char(${column} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`;

/** A JS array bound as ONE parameter (drizzle would otherwise expand it into a list). */
export const uuidArray = (ids: readonly string[]) => sql`${sql.param([...ids])}::uuid[]`;

/**
 * Runs raw SQL and returns its rows, typed by the caller: a named prepared statement, planned once per
 * connection, when the database allows it (issue 14; `executeRows` in @popbox/db).
 */
export function rows<T>(db: Executor, query: SQL): Promise<T[]> {
  return executeRows<T>(db, query);
}

/** Escapes LIKE wildcards so user text matches literally. */
export const likeEscape = (value: string) => value.replace(/[\\%_]/g, (c) => `\\${c}`);
