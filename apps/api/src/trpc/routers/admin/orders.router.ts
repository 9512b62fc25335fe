import { ZRetryFinalisationInput, ZRetryFinalisationOutput } from '@popbox/contracts';
import { retryFinalisation } from '@popbox/domain';
import { adminProcedure, router } from '../../init.js';
import { auditActor } from '../../actors.js';

export const ordersRouter = router({
  retryFinalisation: adminProcedure
    .meta({
      openapi: {
        method: 'POST',
        path: '/admin/orders/{id}/retry-finalisation',
        tags: ['admin'],
        protect: true,
        summary: 'Finalise a paid order parked for a stock reason, once stock is available again (F5)',
      },
    })
    .input(ZRetryFinalisationInput)
    .output(ZRetryFinalisationOutput)
    .mutation(({ ctx, input }) => retryFinalisation(ctx.deps, auditActor(ctx), input.id)),
});
