import { PgBoss } from 'pg-boss';
import { hasDueKujiDraws, PG_BOSS_SCHEMA, runRecordedJob, type JobName } from '@popbox/domain';
import type { JobDefinition, JobDeps } from './registry.js';

const KUJI_DEALER: JobName = 'deal-kuji-draws';

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
  /** How often the kuji dealer looks for lines whose beacon round is published (issue 12). */
  kujiDealIntervalMs?: number;
}): Promise<Worker> {
  const { deps } = opts;
  const boss = new PgBoss({
    connectionString: opts.connectionString,
    schema: PG_BOSS_SCHEMA,
    application_name: 'popbox-jobs',
    useListenNotify: true,
  });
  boss.on('error', (err) => deps.logger.error({ err }, 'pg-boss error'));
  await boss.start();
  for (const job of opts.jobs) {
    const dealer = job.name === KUJI_DEALER;
    await boss.createQueue(job.name, {
      retryLimit: dealer ? 0 : 3,
      retryDelay: 30,
      retryBackoff: true,
      // The dealer is sent every second while draws wait: one queued + one running at most, woken by NOTIFY.
      ...(dealer ? { policy: 'stately', notify: true } : {}),
    });
    await boss.schedule(job.name, job.schedule, null, { tz: 'UTC' });
    await boss.work(job.name, dealer ? { pollingIntervalSeconds: 0.5 } : {}, async () =>
      runRecordedJob(deps, job.name, () => job.handler(deps)),
    );
    deps.logger.info({ job: job.name, schedule: job.schedule }, 'job scheduled');
  }
  for (const job of opts.jobs) if (job.runOnStart) await boss.send(job.name);

  // Issue 12: a paid kuji line waits for a beacon round published seconds later; cron's minute is too
  // coarse, so a light check (one indexed EXISTS) queues the dealer whenever a published round has lines.
  let ticking = false;
  const dealer = opts.jobs.some((j) => j.name === KUJI_DEALER)
    ? setInterval(() => {
        if (ticking) return;
        ticking = true;
        hasDueKujiDraws(deps)
          .then((due) => (due ? boss.send(KUJI_DEALER) : null))
          .catch((err: unknown) => deps.logger.warn({ err }, 'kuji dealer check failed'))
          .finally(() => (ticking = false));
      }, opts.kujiDealIntervalMs ?? 1000)
    : undefined;
  dealer?.unref();
  return {
    trigger: async (name) => void (await boss.send(name)),
    stop: async () => {
      if (dealer) clearInterval(dealer);
      await boss.stop({ graceful: true, timeout: 10_000 });
    },
  };
}
