/**
 * Issue 14: what the public read caches of every API process need from the database — the public-read
 * version (a sequence every catalog/content write advances in its own transaction, migration
 * 0006_public_read_version) and the next sale-window boundary, when the visibility of a hidden drop or the
 * availability of a product flips with no write at all.
 */

/** The PostgreSQL channel the triggers notify; the payload is the new version. */
export const PUBLIC_READ_CHANNEL = 'public_read';

export interface PublicReadState {
  /** The sequence's last value (an uncommitted or rolled-back write may have taken it: harmless). */
  version: number;
  /** The nearest products.sales_start_at / sales_end_at after `now`, or null when none lies ahead. */
  nextBoundaryAt: Date | null;
}

/** The one method of a pg client or pool this needs (the API reads it on its LISTEN connection). */
export interface SqlQueryable {
  query(text: string, values?: unknown[]): Promise<{ rows: unknown[] }>;
}

/**
 * Both values in one statement. Read AFTER `LISTEN` on the same connection: a write committed before the
 * LISTEN is then visible here, and one committed after it is notified.
 */
export async function readPublicReadState(db: SqlQueryable, now: Date): Promise<PublicReadState> {
  const { rows } = await db.query(
    `select (select last_value from public.public_read_version)::text as version,
            (select least(min(sales_start_at) filter (where sales_start_at > $1::timestamptz),
                          min(sales_end_at) filter (where sales_end_at > $1::timestamptz))
               from public.products) as boundary`,
    [now.toISOString()],
  );
  const row = rows[0] as { version: string; boundary: Date | string | null };
  return {
    version: Number(row.version),
    nextBoundaryAt: row.boundary === null ? null : new Date(row.boundary),
  };
}
