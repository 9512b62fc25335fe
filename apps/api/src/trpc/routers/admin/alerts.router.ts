import {
  ZAlertCountsInput,
  ZAlertCountsOutput,
  ZAlertExportInput,
  ZAlertExportOutput,
} from '@popbox/contracts';
import { exportAlertSubscribersCsv, getAlertCounts } from '@popbox/domain';
import { adminProcedure, router } from '../../init.js';

/** Issue 13 admin: who waits for which alert, what each event sent, and the confirmed list as CSV. */
export const alertsAdminRouter = router({
  counts: adminProcedure
    .meta({
      openapi: {
        method: 'GET',
        path: '/admin/alerts',
        tags: ['admin'],
        protect: true,
        summary: 'Alert subscribers per product/series and kind by state, and the latest alert events',
      },
    })
    .input(ZAlertCountsInput)
    .output(ZAlertCountsOutput)
    .query(({ ctx, input }) => getAlertCounts(ctx.deps, input)),

  exportSubscribers: adminProcedure
    .meta({
      openapi: {
        method: 'GET',
        path: '/admin/alerts/subscribers/export',
        tags: ['admin'],
        protect: true,
        summary:
          'Confirmed alert subscribers as CSV (email, kind, target, dates), oldest first; the CSV text is in `csv` (the REST surface answers JSON)',
      },
    })
    .input(ZAlertExportInput)
    .output(ZAlertExportOutput)
    .query(({ ctx, input }) => exportAlertSubscribersCsv(ctx.deps, input)),
});
