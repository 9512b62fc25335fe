import { ZContactInput, ZContactOutput } from '@popbox/contracts';
import { submitContactMessage } from '@popbox/domain';
import { publicProcedure, router } from '../../init.js';

export const contactRouter = router({
  submit: publicProcedure
    .meta({
      openapi: {
        method: 'POST',
        path: '/contact',
        tags: ['content'],
        summary: 'Contact form: stored, and emailed to the shop inbox through the outbox',
      },
    })
    .input(ZContactInput)
    .output(ZContactOutput)
    .mutation(({ ctx, input }) => submitContactMessage(ctx.deps, input)),
});
