import { sql } from 'drizzle-orm';
import { migrationStatus } from '@popbox/db';
import type { Deps } from '../shared/deps.js';

/** Readiness (F11): the database answers and its migrations are at head. */
export async function checkDatabaseReadiness(deps: Pick<Deps, 'db'>) {
  await deps.db.execute(sql`select 1`);
  return migrationStatus(deps.db);
}
