import { purgeExpiredIdempotencyKeys } from '@popbox/domain';
import type { JobsConfig } from '../config.js';
import type { JobDefinition } from '../registry.js';

export const purgeIdempotencyKeysJob = (config: JobsConfig): JobDefinition => ({
  name: 'purge-idempotency-keys',
  schedule: config.schedules.cleanup,
  handler: (deps) => purgeExpiredIdempotencyKeys(deps),
});
