import { ZKujiFairness, ZKujiFairnessInput } from '@popbox/contracts';
import { getKujiFairness } from '@popbox/domain';
import { publicProcedure, router } from '../../init.js';

export const kujiRouter = router({
  fairness: publicProcedure
    .meta({
      openapi: {
        method: 'GET',
        path: '/kuji/{slug}/fairness',
        tags: ['kuji'],
        summary:
          "A kuji board's deck commitments, revealed seeds, live per-tier counts and the verification recipe",
      },
    })
    .input(ZKujiFairnessInput)
    .output(ZKujiFairness)
    .query(({ ctx, input }) => getKujiFairness(ctx.deps, input.slug)),
});
