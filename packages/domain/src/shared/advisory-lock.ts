import { sql } from 'drizzle-orm';
import type { Tx } from '@popbox/db';

/**
 * Non-blocking, TRANSACTION-scoped advisory lock keyed by a string (B20 key names). Released by commit or
 * rollback, so it holds behind a transaction pooler, where session-level locks would leak between clients.
 */
export async function tryAdvisoryXactLock(tx: Tx, key: string): Promise<boolean> {
  const result = await tx.execute<{ locked: boolean }>(
    sql`select pg_try_advisory_xact_lock(hashtextextended(${key}, 0)) as locked`,
  );
  return result.rows[0]?.locked === true;
}
