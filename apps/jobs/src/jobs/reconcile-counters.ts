import { getReconciliationReport } from '@popbox/domain';
import type { JobModule } from '../registry.js';

/** Items kept in the recorded result; the full report is always one GET /admin/reconciliation away. */
const RECORDED_ITEMS = 50;

/** F14: records the drift report in job_runs and logs drift. Never repairs: repair is an admin decision. */
export const reconcileCountersJob: JobModule = {
  name: 'reconcile-counters',
  handler: async (deps) => {
    const report = await getReconciliationReport(deps);
    if (!report.clean) deps.logger.warn({ drift: report.items.length }, 'reconciliation found drift');
    return {
      clean: report.clean,
      driftCount: report.items.length,
      items: report.items.slice(0, RECORDED_ITEMS),
      truncated: report.items.length > RECORDED_ITEMS,
    };
  },
};
