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
export async function createTestDatabase(opts: { max?: number } = {}): Promise<TestDatabase> {
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
  let dropping = false;
  const database = createDb(url, {
    max: opts.max ?? 20,
    applicationName: 'popbox-test',
    // pool.end() resolves before ended clients' sockets close; DROP … WITH (FORCE) then terminates them,
    // which is expected noise, not a failure.
    onPoolError: (error) => {
      if (!dropping) console.error('[db] idle client error', error);
    },
  });
  return {
    ...database,
    url,
    name,
    async close() {
      dropping = true;
      await database.close();
      const drop = new pg.Client({ connectionString: adminUrl });
      await drop.connect();
      await drop.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      await drop.end();
    },
  };
}
