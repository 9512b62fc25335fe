import { drizzle, type NodePgDatabase } from 'drizzle-orm/node-postgres';
import pg from 'pg';
import * as schema from './schema/index.js';
import { preparesStatements } from './statements.js';

export type Schema = typeof schema;

/** The drizzle database handle (node-postgres, with the full schema and relations). */
export type Db = NodePgDatabase<Schema>;

/** The handle passed to `db.transaction(async (tx) => …)`. */
export type Tx = Parameters<Parameters<Db['transaction']>[0]>[0];

/** Query helpers take either, so they run inside or outside a caller's transaction. */
export type Executor = Db | Tx;

export interface CreateDbOptions {
  /** Pool size; default 10 (spec B21). */
  max?: number;
  applicationName?: string;
  /** How long a caller waits for a free pooled connection before the pool gives up; default 5 s. */
  connectionTimeoutMillis?: number;
  /** Errors of idle pooled clients (e.g. server restart). Without a listener pg would crash the process. */
  onPoolError?: (error: Error) => void;
  /**
   * Raw SQL run through `executeRows` becomes named prepared statements, planned once per connection (see
   * statements.ts). Only for a direct connection or a session pooler: a transaction pooler cannot keep them.
   */
  preparedStatements?: boolean;
}

export interface Database {
  db: Db;
  pool: pg.Pool;
  /** Ends the pool; safe to call more than once. */
  close(): Promise<void>;
}

/** Creates a pool and a drizzle instance. There is no module-level connection: callers own the lifetime. */
export function createDb(url: string, opts: CreateDbOptions = {}): Database {
  const pool = new pg.Pool({
    connectionString: url,
    max: opts.max ?? 10,
    connectionTimeoutMillis: opts.connectionTimeoutMillis ?? 5_000,
    idleTimeoutMillis: 20_000,
    ...(opts.applicationName ? { application_name: opts.applicationName } : {}),
  });
  pool.on('error', opts.onPoolError ?? ((error) => console.error('[db] idle client error', error)));
  if (opts.preparedStatements) preparesStatements(pool);
  const db = drizzle({ client: pool, schema });
  let closing: Promise<void> | undefined;
  return {
    db,
    pool,
    close: () => (closing ??= pool.end()),
  };
}
