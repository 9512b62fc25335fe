import { drizzle } from 'drizzle-orm/node-postgres';
import type pg from 'pg';
import type { Db } from '../client.js';
import * as schema from '../schema/index.js';

export interface CountingDb {
  db: Db;
  /** Statements sent since the last reset (transaction control statements included). */
  readonly count: number;
  readonly statements: string[];
  reset(): void;
}

/** A drizzle handle over an existing pool that counts every statement it sends (N+1 tests). */
export function countingDb(pool: pg.Pool): CountingDb {
  let statements: string[] = [];
  const db = drizzle({ client: pool, schema, logger: { logQuery: (query) => void statements.push(query) } });
  return {
    db,
    get count() {
      return statements.length;
    },
    get statements() {
      return statements;
    },
    reset() {
      statements = [];
    },
  };
}
