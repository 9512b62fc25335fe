import { ZOrderView, ZPublicIdInput } from '@popbox/contracts';
import { getGuestOrder } from '@popbox/domain';
import { orderProcedure, router } from '../../init.js';

export const ordersRouter = router({
  get: orderProcedure
    .meta({
      openapi: {
        method: 'GET',
        path: '/orders/{publicId}',
        tags: ['orders'],
        summary: 'Guest order detail (unrevealed prizes masked); needs the guest order session cookie',
      },
    })
    .input(ZPublicIdInput)
    .output(ZOrderView)
    .query(({ ctx, input }) => getGuestOrder(ctx.deps, ctx.actor.grants, input.publicId)),
});
