import { eq } from 'drizzle-orm';
import { jobRuns } from '@popbox/db';
import type { Deps } from '../shared/deps.js';

export type JobResult = Record<string, unknown>;

/**
 * Runs one job execution and records it in `job_runs` (F15: admins see each job's last run and result).
 * A failure is recorded and re-thrown so the queue can retry it.
 */
export async function runRecordedJob(
  deps: Pick<Deps, 'db' | 'clock' | 'logger'>,
  jobName: string,
  work: () => Promise<JobResult>,
): Promise<JobResult> {
  const [run] = await deps.db
    .insert(jobRuns)
    .values({ jobName, startedAt: deps.clock.now(), status: 'running' })
    .returning({ id: jobRuns.id });
  if (!run) throw new Error('could not record job run');
  try {
    const result = await work();
    const status = result.skipped === true ? 'skipped' : 'succeeded';
    await deps.db
      .update(jobRuns)
      .set({ status, result, finishedAt: deps.clock.now() })
      .where(eq(jobRuns.id, run.id));
    deps.logger.info({ job: jobName, result }, 'job finished');
    return result;
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    await deps.db
      .update(jobRuns)
      .set({ status: 'failed', error: message, finishedAt: deps.clock.now() })
      .where(eq(jobRuns.id, run.id));
    deps.logger.error({ job: jobName, err: error }, 'job failed');
    throw error;
  }
}
