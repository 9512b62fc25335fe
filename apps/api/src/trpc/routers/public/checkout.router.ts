import {
  ZCheckoutSessionHeaders,
  ZCheckoutSessionResponseHeaders,
  ZCreateCheckoutSessionInput,
  ZCheckoutSuccessInput,
  ZCheckoutSuccessOutput,
  ZCreateCheckoutSessionOutput,
} from '@popbox/contracts';
import { createCheckoutSession, getCheckoutSuccess } from '@popbox/domain';
import { ipKeyGenerator } from 'express-rate-limit';
import { publicProcedure, router } from '../../init.js';
import { grantOrderToSession } from '../../guest-session.js';

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
        {
          ip: ctx.credentials.ip,
          // The same client key as the HTTP rate limits (IPv6 grouped by /56).
          ipKey: ctx.credentials.ip ? ipKeyGenerator(ctx.credentials.ip) : undefined,
          challengeToken: input.challengeToken,
        },
      );
      if (replayed) ctx.response.setHeader('Idempotent-Replayed', 'true');
      return result;
    }),

  success: publicProcedure
    .meta({
      openapi: {
        method: 'GET',
        path: '/checkout/success',
        tags: ['checkout'],
        summary:
          'Poll after the payment redirect: 409 unpaid, 202 awaiting the webhook, 200 + guest cookie when finalised; 401 once the order link was revoked or an hour after payment',
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
