import { PgBoss } from 'pg-boss';
import { listenForNotifications } from '@popbox/db';
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
    // Sent on demand (the dealer every second while draws wait, woken jobs on each NOTIFY): at most one
    // queued run, its worker woken by pg-boss's NOTIFY. Not 'stately' (one active run cluster-wide): a
    // process killed mid-run leaves its run active until it expires (15 min), and that stale run would stop
    // every other process meanwhile. Runs of several processes may overlap: each job locks its rows.
    const onDemand = dealer || job.wakeOn !== undefined;
    const options = {
      retryLimit: dealer ? 0 : 3,
      retryDelay: 30,
      retryBackoff: true,
      ...(onDemand ? { policy: 'short' as const, notify: true } : {}),
    };
    await boss.createQueue(job.name, options);
    if (onDemand && (await boss.getQueue(job.name))?.policy !== 'short') {
      // Created with another policy by an earlier build: these runs carry no data, so the queue is recreated.
      await boss.deleteQueue(job.name);
      await boss.createQueue(job.name, options);
    }
    await boss.schedule(job.name, job.schedule, null, { tz: 'UTC' });
    await boss.work(job.name, onDemand ? { pollingIntervalSeconds: 0.5 } : {}, async () =>
      runRecordedJob(deps, job.name, () => job.handler(deps)),
    );
    deps.logger.info({ job: job.name, schedule: job.schedule }, 'job scheduled');
  }
  for (const job of opts.jobs) if (job.runOnStart) await boss.send(job.name);

  // Issue 15: jobs woken by a NOTIFY (the email outbox) run as soon as the writing transaction commits.
  const wakeable = new Map(opts.jobs.flatMap((j) => (j.wakeOn ? [[j.wakeOn, j.name] as const] : [])));
  const listener =
    wakeable.size > 0
      ? await listenForNotifications({
          connectionString: opts.connectionString,
          channels: [...wakeable.keys()],
          applicationName: 'popbox-jobs-listen',
          onNotification: (channel) => {
            const name = wakeable.get(channel);
            if (name)
              boss
                .send(name)
                .catch((err: unknown) => deps.logger.warn({ err, job: name }, 'wake-up send failed'));
          },
          onError: (err) =>
            deps.logger.warn({ err }, 'job wake-up listener lost its connection; reconnecting'),
        })
      : undefined;

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
      await listener?.close();
      await boss.stop({ graceful: true, timeout: 10_000 });
    },
  };
}
