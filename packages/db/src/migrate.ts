import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { sql } from 'drizzle-orm';
import { drizzle } from 'drizzle-orm/node-postgres';
import { migrate } from 'drizzle-orm/node-postgres/migrator';
import pg from 'pg';
import type { Executor } from './client.js';

/** Resolves to packages/db/migrations from both src/ and dist/. */
const migrationsFolder = fileURLToPath(new URL('../migrations', import.meta.url));

// Arbitrary constant: serialises migrators (several replicas starting at once) on one server.
const MIGRATION_LOCK_KEY = 7_301_905_211;

/**
 * Applies every pending migration. Use a direct connection (not a transaction pooler): the advisory lock
 * is session-level, and drizzle's migrator runs all pending migrations in one transaction.
 */
export async function runMigrations(url: string): Promise<void> {
  const client = new pg.Client({ connectionString: url, application_name: 'popbox-migrate' });
  await client.connect();
  try {
    await client.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK_KEY]);
    try {
      await migrate(drizzle({ client }), { migrationsFolder });
    } finally {
      await client.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK_KEY]);
    }
  } finally {
    await client.end();
  }
}

export interface MigrationStatus {
  /** Rows in drizzle.__drizzle_migrations. */
  applied: number;
  /** Entries in migrations/meta/_journal.json shipped with this code. */
  expected: number;
  /** Every shipped migration is applied (drizzle's own rule: newest applied `created_at` >= newest `when`). */
  atHead: boolean;
}

interface Journal {
  entries: { idx: number; when: number; tag: string }[];
}

let journalCache: Journal | undefined;

function journal(): Journal {
  // The journal ships with the code, so read it once per process (/ready calls this often).
  journalCache ??= JSON.parse(readFileSync(`${migrationsFolder}/meta/_journal.json`, 'utf8')) as Journal;
  return journalCache;
}

/** For /ready (F11): is the database schema at the version this code expects? Read-only, two small queries. */
export async function migrationStatus(executor: Executor): Promise<MigrationStatus> {
  const { entries } = journal();
  const expected = entries.length;
  const newestShipped = entries.reduce((max, e) => Math.max(max, e.when), 0);

  const exists = await executor.execute<{ table: string | null }>(
    sql`select to_regclass('drizzle.__drizzle_migrations')::text as "table"`,
  );
  if (!exists.rows[0]?.table) return { applied: 0, expected, atHead: expected === 0 };

  const result = await executor.execute<{ applied: string; newest: string | null }>(
    sql`select count(*)::text as applied, max(created_at)::text as newest from drizzle.__drizzle_migrations`,
  );
  const row = result.rows[0];
  const applied = Number(row?.applied ?? 0);
  const newestApplied = row?.newest == null ? -1 : Number(row.newest);
  return { applied, expected, atHead: newestApplied >= newestShipped };
}
