import { PgBoss } from 'pg-boss';
import { hasDueKujiDraws, PG_BOSS_SCHEMA, runRecordedJob, type JobName } from '@popbox/domain';
import type { JobDefinition, JobDeps } from './registry.js';
import { dealerBackoff } from './jobs/dealer-backoff.js';

const KUJI_DEALER: JobName = 'deal-kuji-draws';

export interface Worker {
  /** Queues one run of a job now (besides its schedule). */
  trigger(name: JobName): Promise<void>;
  stop(): Promise<void>;
}

/**
 * Starts pg-boss on the shop's database, schedules every job and works its queue. pg-boss guarantees one
 * scheduled instance per cron tick across all jobs processes; each job is still idempotent and uses its
 * own row locks, so running several jobs processes is safe (and one of them dying never blocks the others).
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
    const options = {
      retryLimit: dealer ? 0 : 3,
      retryDelay: 30,
      retryBackoff: true,
      // The dealer is sent every second while draws wait: at most one queued run, woken by NOTIFY. Not
      // 'stately' (one active run cluster-wide): a process killed mid-deal leaves its run active until it
      // expires (15 min), and that stale run would stop every other process from dealing meanwhile. Runs
      // of several processes may overlap: each board is dealt under its lock, so the second finds nothing.
      ...(dealer ? { policy: 'short' as const, notify: true } : {}),
    };
    await boss.createQueue(job.name, options);
    if (dealer && (await boss.getQueue(job.name))?.policy !== 'short') {
      // Created as 'stately' by an earlier build: a dealer run carries no data, so the queue is recreated.
      await boss.deleteQueue(job.name);
      await boss.createQueue(job.name, options);
    }
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
        if (ticking || dealerBackoff.waiting()) return;
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
