import { lt } from 'drizzle-orm';
import { jobRuns } from '@popbox/db';
import type { Deps } from '../shared/deps.js';
import { JOB_RUN_RETENTION_MS } from './job-catalog.js';

/** Cleanup: job runs older than the retention window (the outbox job alone records one a minute). */
export async function purgeOldJobRuns(deps: Pick<Deps, 'db' | 'clock'>) {
  const cutoff = new Date(deps.clock.now().getTime() - JOB_RUN_RETENTION_MS);
  const deleted = await deps.db
    .delete(jobRuns)
    .where(lt(jobRuns.startedAt, cutoff))
    .returning({ id: jobRuns.id });
  return { deleted: deleted.length };
}
