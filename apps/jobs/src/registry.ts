import type { Deps, JobResult } from '@popbox/domain';

/** What jobs may touch; provider ports join as their jobs arrive. */
export type JobDeps = Pick<Deps, 'db' | 'clock' | 'random' | 'logger'>;
import type { JobsConfig } from './config.js';
import { purgeIdempotencyKeysJob } from './jobs/purge-idempotency-keys.js';

/** A job is a file exporting its name, its schedule and a handler (Medusa's pattern). */
export interface JobDefinition {
  name: string;
  /** Cron (UTC). */
  schedule: string;
  handler: (deps: JobDeps) => Promise<JobResult>;
}

export function jobDefinitions(config: JobsConfig): JobDefinition[] {
  return [purgeIdempotencyKeysJob(config)];
}
