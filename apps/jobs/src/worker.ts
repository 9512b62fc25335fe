import { PgBoss } from 'pg-boss';
import { PG_BOSS_SCHEMA, runRecordedJob, type JobName } from '@popbox/domain';
import type { JobDefinition, JobDeps } from './registry.js';

export interface Worker {
  /** Queues one run of a job now (besides its schedule). */
  trigger(name: JobName): Promise<void>;
  stop(): Promise<void>;
}

/**
 * Starts pg-boss on the shop's database, schedules every job and works its queue. pg-boss guarantees one
 * scheduled instance per cron tick across all jobs processes; each job is still idempotent and uses its
 * own row locks, so running several jobs processes is safe.
 */
export async function startWorker(opts: {
  connectionString: string;
  deps: JobDeps;
  jobs: JobDefinition[];
}): Promise<Worker> {
  const { deps } = opts;
  const boss = new PgBoss({
    connectionString: opts.connectionString,
    schema: PG_BOSS_SCHEMA,
    application_name: 'popbox-jobs',
  });
  boss.on('error', (err) => deps.logger.error({ err }, 'pg-boss error'));
  await boss.start();
  for (const job of opts.jobs) {
    await boss.createQueue(job.name, { retryLimit: 3, retryDelay: 30, retryBackoff: true });
    await boss.schedule(job.name, job.schedule, null, { tz: 'UTC' });
    await boss.work(job.name, async () => runRecordedJob(deps, job.name, () => job.handler(deps)));
    deps.logger.info({ job: job.name, schedule: job.schedule }, 'job scheduled');
  }
  for (const job of opts.jobs) if (job.runOnStart) await boss.send(job.name);
  return {
    trigger: async (name) => void (await boss.send(name)),
    stop: () => boss.stop({ graceful: true, timeout: 10_000 }),
  };
}
