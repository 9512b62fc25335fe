import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDb, type Database } from '../src/client.js';
import { executeRows, usePreparedStatements } from '../src/statements.js';
import { createTestDatabase, type TestDatabase } from '../src/testing/index.js';

let t: TestDatabase;
let named: Database;
let unnamed: Database;
beforeAll(async () => {
  t = await createTestDatabase({ max: 2 });
  named = createDb(t.url, { max: 1, preparedStatements: true });
  unnamed = createDb(t.url, { max: 1 });
  await t.db.execute(sql`create table statement_probe (id int primary key, label text)`);
  await t.db.execute(sql`insert into statement_probe values (1, 'one'), (2, 'two')`);
});
afterAll(async () => {
  await named?.close();
  await unnamed?.close();
  await t?.close();
});

/** The statements the pool's one connection keeps, with how often each was planned generically/custom. */
const preparedOn = async (database: Database) =>
  executeRows<{ statement: string; plans: number }>(
    database.db,
    sql`select statement, generic_plans + custom_plans as plans from pg_prepared_statements
        where statement like '%statement_probe%' and statement not like '%pg_prepared_statements%'`,
  );

describe('named prepared statements (issue 14)', () => {
  it('prepares a raw statement once per connection and reuses it with other parameters', async () => {
    for (const id of [1, 2, 1, 2, 1, 2, 1]) {
      const [row] = await executeRows<{ label: string }>(
        named.db,
        sql`select label from statement_probe where id = ${id}`,
      );
      expect(row?.label).toBe(id === 1 ? 'one' : 'two');
    }
    const kept = await preparedOn(named);
    expect(kept).toHaveLength(1);
    expect(kept[0]!.statement).toContain('where id = $1');
    // Seven executions, one statement: after five custom plans PostgreSQL settles on a plan (generic or custom).
    expect(Number(kept[0]!.plans)).toBe(7);
  });

  it('prepares on the transaction’s connection inside a transaction', async () => {
    const labels = await named.db.transaction(async (tx) => {
      const a = await executeRows<{ label: string }>(
        tx,
        sql`select label from statement_probe where id > ${0} order by id`,
      );
      const b = await executeRows<{ n: number }>(
        tx,
        sql`select count(*)::int as n from statement_probe where id > ${0}`,
      );
      return [...a.map((r) => r.label), b[0]!.n];
    });
    expect(labels).toEqual(['one', 'two', 2]);
    expect((await preparedOn(named)).map((s) => s.statement).join('\n')).toContain('count(*)');
  });

  it('leaves statements unnamed on a pool that does not prepare (a transaction pooler in front)', async () => {
    await executeRows(unnamed.db, sql`select label from statement_probe where id = ${1}`);
    expect(await preparedOn(unnamed)).toEqual([]);
  });

  it('survives a migration that changes a prepared statement’s result type', async () => {
    const all = sql`select * from statement_probe where id = ${1}`;
    expect(await executeRows(named.db, all)).toEqual([{ id: 1, label: 'one' }]);
    await t.db.execute(sql`alter table statement_probe add column extra text default 'x'`);
    // PostgreSQL refuses the cached plan ("cached plan must not change result type"); the statement is renamed.
    expect(await executeRows(named.db, all)).toEqual([{ id: 1, label: 'one', extra: 'x' }]);
    expect(await executeRows(named.db, all)).toEqual([{ id: 1, label: 'one', extra: 'x' }]);
  });
});

// Last in this file: the fallback it proves switches naming off for the rest of the process (this file's workers).
describe('behind a transaction pooler by mistake', () => {
  it('a statement lost on the server connection is re-run unnamed, and naming stops', async () => {
    const probe = sql`select label from statement_probe where id = ${2}`;
    expect(await executeRows(named.db, probe)).toEqual([{ label: 'two' }]);
    // What a transaction pooler does: the next execution lands on a server connection that never saw the
    // statement. Here the statement is dropped behind pg's back (pg still believes it is parsed).
    await named.pool.query('deallocate all');
    expect(await executeRows(named.db, probe)).toEqual([{ label: 'two' }]);
    expect(await executeRows(named.db, probe)).toEqual([{ label: 'two' }]);
    expect(await preparedOn(named)).toEqual([]);
  });
});

describe('DATABASE_PREPARED_STATEMENTS', () => {
  const direct = 'postgres://u@db:5432/shop';
  const pooled = 'postgres://u@pooler:6543/shop';
  it('auto prepares only when DATABASE_URL is the direct connection', () => {
    expect(usePreparedStatements('auto', direct, direct)).toBe(true);
    expect(usePreparedStatements('auto', pooled, direct)).toBe(false);
  });
  it('on and off override the guess', () => {
    expect(usePreparedStatements('on', pooled, direct)).toBe(true);
    expect(usePreparedStatements('off', direct, direct)).toBe(false);
  });
});
