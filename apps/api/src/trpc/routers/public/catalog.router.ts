import { ZEmptyInput, ZListCollectionsOutput, ZListTagsOutput } from '@popbox/contracts';
import { listActiveCollections, listTags } from '@popbox/domain';
import { publicProcedure, router } from '../../init.js';

export const catalogRouter = router({
  listCollections: publicProcedure
    .meta({
      openapi: { method: 'GET', path: '/collections', tags: ['catalog'], summary: 'Active collections' },
    })
    .input(ZEmptyInput)
    .output(ZListCollectionsOutput)
    .query(({ ctx }) => listActiveCollections(ctx.deps)),

  listTags: publicProcedure
    .meta({
      openapi: { method: 'GET', path: '/tags', tags: ['catalog'], summary: 'All tags by type and name' },
    })
    .input(ZEmptyInput)
    .output(ZListTagsOutput)
    .query(({ ctx }) => listTags(ctx.deps)),
});
