import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { pgError, type Tx } from '@popbox/db';
import { createTestDatabase, makeOrder, makeProduct, type TestDatabase } from '@popbox/db/testing';
import { beginOrderAction } from '../src/order-admin/order-action.js';
import { DomainError } from '../src/shared/errors.js';
import { lockKey, orderActionLock } from '../src/shared/locks.js';

/**
 * The shared start of every order action (issue 11 item 9): its lock waits are bounded by a
 * transaction-local lock_timeout that is put back afterwards, and a wait that runs out is ORDER_BUSY.
 */
let database: TestDatabase;
const db = () => database.db;

beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(() => database?.close());

async function paidOrder() {
  const p = await makeProduct(db());
  const { order } = await makeOrder(db(), {
    order: { status: 'paid' },
    lines: [{ product: p, quantity: 1 }],
  });
  return order;
}

const lockTimeout = async (tx: Tx) =>
  (await tx.execute<{ lock_timeout: string }>(sql`SHOW lock_timeout`)).rows[0]!.lock_timeout;

describe('beginOrderAction', () => {
  it('bounds only its own lock waits: the transaction’s lock_timeout is put back afterwards', async () => {
    const order = await paidOrder();
    await db().transaction(async (tx) => {
      await tx.execute(sql`SET LOCAL lock_timeout = '42s'`);
      const locked = await beginOrderAction(tx, order.id);
      expect(locked.id).toBe(order.id);
      expect(await lockTimeout(tx)).toBe('42s');
    });
  });

  it('answers ORDER_BUSY (55P03 as the cause) when the holder keeps the order past the bound', async () => {
    const order = await paidOrder();
    const holder = await database.pool.connect();
    try {
      await holder.query('begin');
      await holder.query('select pg_advisory_xact_lock($1::bigint)', [
        lockKey(orderActionLock(order.id)).toString(),
      ]);
      const started = Date.now();
      const error = await db()
        .transaction((tx) => beginOrderAction(tx, order.id, { waitMs: 200 }))
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(DomainError);
      expect(error).toMatchObject({ code: 'ORDER_BUSY', details: { retryAfterSeconds: 1 } });
      expect(pgError((error as Error).cause)?.code).toBe('55P03');
      expect(Date.now() - started).toBeGreaterThanOrEqual(150);
    } finally {
      await holder.query('rollback');
      holder.release();
    }
  });
});
