import { createHash } from 'node:crypto';
import type { SQL } from 'drizzle-orm';
import type { PgDialect } from 'drizzle-orm/pg-core';
import pg from 'pg';
import type { Executor } from './client.js';
import { isLostPreparedStatement, isStalePreparedPlan } from './errors.js';

/**
 * Named prepared statements for the application's raw SQL (issue 14).
 *
 * Planning a statement costs PostgreSQL as much CPU as running it for the short reads of a storefront (a page of
 * 20 product cards: ~0.4 ms to plan, ~0.2 ms to run). A statement sent with a name is parsed and planned once per
 * connection; after five executions PostgreSQL keeps a generic plan when it is no worse, so later executions only
 * bind and run. The name is a hash of the text, so one name never means two texts and the same query built twice
 * shares its plan.
 *
 * Only pools created with `preparedStatements: true` (and the clients they hand out, for transactions) name their
 * statements. A transaction pooler (PgBouncer 1.18, Supabase's pooler in transaction mode) cannot keep a
 * statement between transactions, so the apps turn this off when DATABASE_URL is not the direct connection.
 *
 * At most MAX_NAMED distinct texts are named per process (each costs a little memory in every backend); the rest
 * run unnamed, as before. A migration that changes a prepared statement's result type makes PostgreSQL refuse the
 * cached plan ("cached plan must not change result type"): every name is then renewed, so each connection
 * prepares the new shape on its next use, and a statement outside a transaction is re-run at once.
 */
const MAX_NAMED = 500;
const preparing = new WeakSet<object>();
const names = new Map<string, string>();
let generation = 0;
/**
 * Set once a named statement failed the way it does behind a transaction pooler (the statement missing on, or
 * already defined by someone else on, the server connection the pooler picked): this process then stops naming
 * statements. A misconfigured `auto` (a pooled DATABASE_URL without DATABASE_DIRECT_URL) then costs the
 * statement that failed (retried at once outside a transaction), not every request.
 */
let behindTransactionPooler = false;

/** Lets `pool` and every client it connects from now on keep named statements (see createDb). */
export function preparesStatements(pool: {
  on(event: 'connect', listener: (client: object) => void): unknown;
}): void {
  preparing.add(pool);
  pool.on('connect', (client) => preparing.add(client));
}

function nameOf(text: string): string | undefined {
  const known = names.get(text);
  if (known !== undefined || names.size >= MAX_NAMED) return known;
  const name = `pb${generation}_${createHash('sha1').update(text).digest('hex').slice(0, 20)}`;
  names.set(text, name);
  return name;
}

interface Internals {
  dialect: PgDialect;
  session: {
    client: object;
    prepareQuery(
      query: { sql: string; params: unknown[] },
      fields: undefined,
      name: string | undefined,
      isResponseInArrayMode: boolean,
    ): { execute(): Promise<{ rows: unknown[] }> };
  };
}

/**
 * Runs raw SQL on `executor` (a database or a transaction) and returns its rows, as a named prepared statement
 * where the executor's pool allows it. Results are those of `executor.execute(query)`.
 */
export async function executeRows<T>(executor: Executor, query: SQL): Promise<T[]> {
  const { dialect, session } = executor as unknown as Internals;
  const built = dialect.sqlToQuery(query);
  const name = preparing.has(session.client) && !behindTransactionPooler ? nameOf(built.sql) : undefined;
  try {
    const result = await session.prepareQuery(built, undefined, name, false).execute();
    return result.rows as T[];
  } catch (error) {
    if (name === undefined) throw error;
    if (isLostPreparedStatement(error)) behindTransactionPooler = true;
    else if (!isStalePreparedPlan(error)) throw error;
    generation++;
    names.clear();
    // Inside a transaction the error has aborted it: the caller's retry (or next request) uses the new names.
    if (!(session.client instanceof pg.Pool)) throw error;
    const result = await session.prepareQuery(built, undefined, undefined, false).execute();
    return result.rows as T[];
  }
}

export type PreparedStatementsSetting = 'auto' | 'on' | 'off';

/**
 * DATABASE_PREPARED_STATEMENTS: `auto` names statements only when DATABASE_URL is the direct connection
 * (DATABASE_DIRECT_URL unset, so the same), since a separate URL usually means a transaction pooler in front.
 */
export function usePreparedStatements(
  setting: PreparedStatementsSetting,
  databaseUrl: string,
  directDatabaseUrl: string,
): boolean {
  if (setting !== 'auto') return setting === 'on';
  return directDatabaseUrl === databaseUrl;
}
