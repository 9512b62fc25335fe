import { readFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { sql } from 'drizzle-orm';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it, inject } from 'vitest';
import { createDb } from '../src/client.js';
import { migrationStatus, runMigrations } from '../src/migrate.js';
import { createTestDatabase, withDatabase, type TestDatabase } from '../src/testing/index.js';

const journal = JSON.parse(
  readFileSync(new URL('../migrations/meta/_journal.json', import.meta.url), 'utf8'),
) as { entries: { tag: string }[] };
const expected = journal.entries.length;

let t: TestDatabase;
beforeAll(async () => {
  t = await createTestDatabase();
});
afterAll(async () => {
  await t?.close();
});

describe('migrationStatus', () => {
  it('reports a migrated database as at head', async () => {
    expect(await migrationStatus(t.db)).toEqual({ applied: expected, expected, atHead: true });
  });

  it('works inside a transaction', async () => {
    const status = await t.db.transaction((tx) => migrationStatus(tx));
    expect(status.atHead).toBe(true);
  });

  it('notices a database that is behind', async () => {
    const undo = new Error('undo');
    const outcome = t.db.transaction(async (tx) => {
      await tx.execute(
        sql`delete from drizzle.__drizzle_migrations where id = (select max(id) from drizzle.__drizzle_migrations)`,
      );
      expect(await migrationStatus(tx)).toEqual({ applied: expected - 1, expected, atHead: false });
      throw undo; // roll the deletion back
    });
    await expect(outcome).rejects.toBe(undo);
    expect((await migrationStatus(t.db)).atHead).toBe(true);
  });
});

describe('runMigrations', () => {
  it('applies the whole chain to an empty database, then is a no-op', async () => {
    const { adminUrl, runId } = inject('testDb');
    const name = `popbox_t_${runId}_empty_${randomBytes(3).toString('hex')}`;
    const admin = new pg.Client({ connectionString: adminUrl });
    await admin.connect();
    await admin.query(`CREATE DATABASE "${name}"`);
    const url = withDatabase(adminUrl, name);
    const empty = createDb(url, { max: 2 });
    try {
      expect(await migrationStatus(empty.db)).toEqual({ applied: 0, expected, atHead: false });
      await runMigrations(url);
      expect(await migrationStatus(empty.db)).toEqual({ applied: expected, expected, atHead: true });
      // Two concurrent runs (several replicas starting): the advisory lock serialises them.
      await Promise.all([runMigrations(url), runMigrations(url)]);
      expect(await migrationStatus(empty.db)).toEqual({ applied: expected, expected, atHead: true });
    } finally {
      await empty.close();
      await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      await admin.end();
    }
  });

  it('puts the extensions first in the chain', () => {
    expect(journal.entries[0]?.tag).toMatch(/extensions$/);
  });
});
