import {
  ZCheckoutSessionHeaders,
  ZCheckoutSessionResponseHeaders,
  ZCreateCheckoutSessionInput,
  ZCreateCheckoutSessionOutput,
} from '@popbox/contracts';
import { createCheckoutSession } from '@popbox/domain';
import { publicProcedure, router } from '../../init.js';

export const checkoutRouter = router({
  createSession: publicProcedure
    .meta({
      openapi: {
        method: 'POST',
        path: '/checkout/session',
        tags: ['checkout'],
        summary:
          'Create a pending order, hold its stock and open the payment page (requires Idempotency-Key)',
        requestHeaders: ZCheckoutSessionHeaders,
        responseHeaders: ZCheckoutSessionResponseHeaders,
      },
      successStatus: 201,
    })
    .input(ZCreateCheckoutSessionInput)
    .output(ZCreateCheckoutSessionOutput)
    .mutation(async ({ ctx, input }) => {
      const { result, replayed } = await createCheckoutSession(
        ctx.deps,
        input,
        ctx.credentials.headers['idempotency-key'],
      );
      if (replayed) ctx.response.setHeader('Idempotent-Replayed', 'true');
      return result;
    }),
});
