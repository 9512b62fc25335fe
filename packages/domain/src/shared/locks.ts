import { sql } from 'drizzle-orm';
import { pgError, type Executor, type Tx } from '@popbox/db';

const FNV_OFFSET = 0xcbf29ce484222325n;
const FNV_PRIME = 0x100000001b3n;
const MASK = 0xffffffffffffffffn;

/** 64-bit FNV-1a of a lock name, as the signed bigint PostgreSQL advisory locks take (B20). */
export function lockKey(name: string): bigint {
  let hash = FNV_OFFSET;
  for (const byte of new TextEncoder().encode(name)) {
    hash ^= BigInt(byte);
    hash = (hash * FNV_PRIME) & MASK;
  }
  return BigInt.asIntN(64, hash);
}

/**
 * Non-blocking, TRANSACTION-scoped advisory lock (released at commit/rollback), so it works behind a
 * transaction pooler (architecture.md). Returns false when another transaction holds it.
 */
export async function tryTransactionLock(tx: Executor, name: string): Promise<boolean> {
  const result = await tx.execute<{ locked: boolean }>(
    sql`SELECT pg_try_advisory_xact_lock(${lockKey(name).toString()}::bigint) AS locked`,
  );
  return result.rows[0]?.locked === true;
}

/**
 * Blocking variant: waits for the holder's transaction to end. Only for steps that must not be refused
 * (recording a refund that already happened at the provider); every holder of these locks keeps its
 * transaction short and free of network calls, so the wait is brief.
 */
export async function transactionLock(tx: Executor, name: string): Promise<void> {
  await tx.execute(sql`SELECT pg_advisory_xact_lock(${lockKey(name).toString()}::bigint)`);
}

export const orderActionLock = (orderId: string) => `orders:kuji-action:${orderId}`;

/** B18: serialises the (forced) confirmation email of one order. */
export const confirmationEmailLock = (orderId: string) => `orders:confirmation-email:${orderId}`;

/**
 * Bounded blocking variant: waits at most `waitMs` for the holder's transaction to end, then answers false.
 * The wait runs under a savepoint (a lock timeout aborts only the savepoint, the caller's transaction stays
 * usable) and the timeout is put back afterwards, so later row locks of the transaction keep their default.
 */
export async function transactionLockWithin(tx: Tx, name: string, waitMs: number): Promise<boolean> {
  try {
    await tx.transaction(async (sp) => {
      const [row] = (
        await sp.execute<{ previous: string }>(sql`SELECT current_setting('lock_timeout') AS previous`)
      ).rows;
      await sp.execute(
        sql`SELECT set_config('lock_timeout', ${`${Math.max(1, Math.round(waitMs))}ms`}, true)`,
      );
      await sp.execute(sql`SELECT pg_advisory_xact_lock(${lockKey(name).toString()}::bigint)`);
      await sp.execute(sql`SELECT set_config('lock_timeout', ${row?.previous ?? '0'}, true)`);
    });
    return true;
  } catch (error) {
    if (pgError(error)?.code === LOCK_NOT_AVAILABLE) return false;
    throw error;
  }
}

const LOCK_NOT_AVAILABLE = '55P03';
