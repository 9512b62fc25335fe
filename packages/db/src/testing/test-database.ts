import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { inject } from 'vitest';
import { createDb, type Database } from '../client.js';
import { withDatabase } from './url.js';

declare module 'vitest' {
  export interface ProvidedContext {
    testDb: { adminUrl: string; template: string; runId: string };
  }
}

export interface TestDatabase extends Database {
  url: string;
  name: string;
}

/**
 * A fresh, migrated database of its own for one test file (cloned from the run's template).
 * Call in beforeAll; `close()` drops it.
 */
export async function createTestDatabase(
  opts: { max?: number; connectionTimeoutMillis?: number; preparedStatements?: boolean } = {},
): Promise<TestDatabase> {
  const { adminUrl, template, runId } = inject('testDb');
  const name = `popbox_t_${runId}_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    // Concurrent clones of one template can briefly collide ("source database is being accessed").
    for (let attempt = 0; ; attempt++) {
      try {
        await admin.query(`CREATE DATABASE "${name}" TEMPLATE "${template}"`);
        break;
      } catch (error) {
        if (attempt >= 20) throw error;
        await new Promise((r) => setTimeout(r, 100 + Math.random() * 200));
      }
    }
  } finally {
    await admin.end();
  }
  const url = withDatabase(adminUrl, name);
  const database = createDb(url, {
    max: opts.max ?? 20,
    ...(opts.connectionTimeoutMillis ? { connectionTimeoutMillis: opts.connectionTimeoutMillis } : {}),
    applicationName: 'popbox-test',
    // Like a production API on a direct connection: raw SQL runs as named prepared statements (issue 14).
    preparedStatements: opts.preparedStatements ?? true,
    // pool.end() can resolve while ending clients still hold their backend; DROP … WITH (FORCE) below then
    // terminates them (57P01). That is the drop working, not a failure worth printing.
    onPoolError: (error) => {
      if ((error as { code?: string }).code !== '57P01') console.error('[db] idle client error', error);
    },
  });
  return {
    ...database,
    url,
    name,
    async close() {
      await database.close();
      const drop = new pg.Client({ connectionString: adminUrl });
      await drop.connect();
      await drop.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      await drop.end();
    },
  };
}
