import { purgeOldJobRuns } from '@popbox/domain';
import type { JobModule } from '../registry.js';

export const purgeJobRunsJob: JobModule = {
  name: 'purge-job-runs',
  handler: (deps) => purgeOldJobRuns(deps),
};
