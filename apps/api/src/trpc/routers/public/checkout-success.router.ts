import { ZCheckoutSuccessInput, ZCheckoutSuccessOutput } from '@popbox/contracts';
import { getCheckoutSuccess } from '@popbox/domain';
import { publicProcedure, router } from '../../init.js';
import { grantOrderToSession } from '../../guest-session.js';

export const checkoutSuccessRouter = router({
  success: publicProcedure
    .meta({
      openapi: {
        method: 'GET',
        path: '/checkout/success',
        tags: ['checkout'],
        summary:
          'Poll after the payment redirect: 409 unpaid, 202 awaiting the webhook, 200 + guest cookie when finalised',
      },
    })
    .input(ZCheckoutSuccessInput)
    .output(ZCheckoutSuccessOutput)
    .query(async ({ ctx, input }) => {
      const result = await getCheckoutSuccess(ctx.deps, input.session_id);
      if (result.pending) ctx.response.status = 202;
      else grantOrderToSession(ctx, result.order);
      return result.body;
    }),
});
