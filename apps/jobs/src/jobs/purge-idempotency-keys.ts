import { purgeExpiredIdempotencyKeys } from '@popbox/domain';
import type { JobModule } from '../registry.js';

export const purgeIdempotencyKeysJob: JobModule = {
  name: 'purge-idempotency-keys',
  handler: (deps) => purgeExpiredIdempotencyKeys(deps),
};
