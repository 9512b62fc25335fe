import type { Deps, JobName, JobResult } from '@popbox/domain';
import type { JobsConfig } from './config.js';
import { deliverEmailOutboxJob } from './jobs/deliver-email-outbox.js';
import { expirePendingOrdersJob } from './jobs/expire-pending-orders.js';
import { releaseExpiredReservationsJob } from './jobs/release-expired-reservations.js';
import { purgeIdempotencyKeysJob } from './jobs/purge-idempotency-keys.js';
import { purgeJobRunsJob } from './jobs/purge-job-runs.js';
import { reconcileCountersJob } from './jobs/reconcile-counters.js';
import { dealKujiDrawsJob } from './jobs/deal-kuji-draws.js';
import { commitKujiBoardsJob } from './jobs/commit-kuji-boards.js';
import { sendAlertsJob } from './jobs/send-alerts.js';

/** What jobs may touch: the database and injected ports, including the providers they call. */
export type JobDeps = Pick<
  Deps,
  'db' | 'clock' | 'random' | 'logger' | 'emailSender' | 'payments' | 'beacon'
>;

/**
 * A job is a file exporting its catalog name and a handler (Medusa's pattern); name, description and
 * default schedule live in the domain's JOB_CATALOG, which the API reads for GET /admin/jobs.
 * Adding a job: a catalog entry, its file under jobs/, and one line in JOBS below.
 */
export interface JobModule {
  name: JobName;
  /** Also queue one run when the worker starts (work that piled up while no worker ran). */
  runOnStart?: boolean;
  /**
   * A PostgreSQL NOTIFY channel whose notifications queue a run at once (issue 15), the schedule staying the
   * backstop. Such a queue holds at most one waiting run, so a burst of notifications costs one run.
   */
  wakeOn?: string;
  handler: (deps: JobDeps, config: JobsConfig) => Promise<JobResult>;
}

export interface JobDefinition {
  name: JobName;
  /** Cron (UTC). */
  schedule: string;
  runOnStart: boolean;
  wakeOn?: string;
  handler: (deps: JobDeps) => Promise<JobResult>;
}

export const JOBS: JobModule[] = [
  expirePendingOrdersJob,
  releaseExpiredReservationsJob,
  deliverEmailOutboxJob,
  reconcileCountersJob,
  dealKujiDrawsJob,
  commitKujiBoardsJob,
  sendAlertsJob,
  purgeIdempotencyKeysJob,
  purgeJobRunsJob,
];

export function jobDefinitions(config: JobsConfig): JobDefinition[] {
  return JOBS.map((job) => ({
    name: job.name,
    schedule: config.schedules[job.name],
    runOnStart: job.runOnStart ?? false,
    ...(job.wakeOn ? { wakeOn: job.wakeOn } : {}),
    handler: (deps) => job.handler(deps, config),
  }));
}
