import { sql } from 'drizzle-orm';
import type { Executor } from '@popbox/db';

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
 * Runs `work` with every lock wait of the transaction bounded by `waitMs` (`lock_timeout`, local to the
 * transaction, so safe behind a transaction pooler), then puts the previous bound back. A wait that runs out
 * fails with PostgreSQL's 55P03 (lock_not_available, see `isLockNotAvailable`), which aborts the
 * transaction: the caller answers "busy" and rolls back.
 */
export async function withLockWait<T>(tx: Executor, waitMs: number, work: () => Promise<T>): Promise<T> {
  const set = await tx.execute<{ previous: string }>(
    sql`WITH p AS MATERIALIZED (SELECT current_setting('lock_timeout') AS previous)
        SELECT previous, set_config('lock_timeout', ${`${Math.max(1, Math.round(waitMs))}ms`}, true) FROM p`,
  );
  const result = await work();
  await tx.execute(sql`SELECT set_config('lock_timeout', ${set.rows[0]?.previous ?? '0'}, true)`);
  return result;
}
