import {
  ZEmptyInput,
  ZListEmailsInput,
  ZListEmailsOutput,
  ZListJobsOutput,
  ZReconciliationReport,
  ZRepairReconciliationInput,
  ZRepairReconciliationOutput,
} from '@popbox/contracts';
import {
  getReconciliationReport,
  listJobStatuses,
  listOutboxEmails,
  repairReconciliationDrift,
} from '@popbox/domain';
import { adminProcedure, router } from '../../init.js';
import { auditActor } from '../../actors.js';

/** Operations: counters vs sources (F14), background jobs (F15), the email outbox (F7). */
export const opsRouter = router({
  reconciliation: adminProcedure
    .meta({
      openapi: {
        method: 'GET',
        path: '/admin/reconciliation',
        tags: ['admin'],
        protect: true,
        summary: 'Counter-vs-source drift report (F14)',
      },
    })
    .input(ZEmptyInput)
    .output(ZReconciliationReport)
    .query(({ ctx }) => getReconciliationReport(ctx.deps)),

  repairReconciliation: adminProcedure
    .meta({
      openapi: {
        method: 'POST',
        path: '/admin/reconciliation/repair',
        tags: ['admin'],
        protect: true,
        summary: 'Explicit, audited repair of reported drift (F14)',
      },
    })
    .input(ZRepairReconciliationInput)
    .output(ZRepairReconciliationOutput)
    .mutation(({ ctx, input }) => repairReconciliationDrift(ctx.deps, auditActor(ctx), input ?? {})),

  listJobs: adminProcedure
    .meta({
      openapi: {
        method: 'GET',
        path: '/admin/jobs',
        tags: ['admin'],
        protect: true,
        summary: "Each background job's schedule, last run and result (F15)",
      },
    })
    .input(ZEmptyInput)
    .output(ZListJobsOutput)
    .query(({ ctx }) => listJobStatuses(ctx.deps)),

  listEmails: adminProcedure
    .meta({
      openapi: {
        method: 'GET',
        path: '/admin/emails',
        tags: ['admin'],
        protect: true,
        summary: 'Email outbox: queued, sent and failed messages (F7)',
      },
    })
    .input(ZListEmailsInput)
    .output(ZListEmailsOutput)
    .query(({ ctx, input }) => listOutboxEmails(ctx.deps, input ?? {})),
});
