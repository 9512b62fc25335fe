import {
  ZCreateKujiPrizeInput,
  ZDeleted,
  ZKujiPrizeIdInput,
  ZKujiPrizeRow,
  ZListKujiPrizesOutput,
  ZProductIdInput,
  ZUpdateKujiPrizeInput,
} from '@popbox/contracts';
import { createKujiPrize, deleteKujiPrize, listKujiPrizes, updateKujiPrize } from '@popbox/domain';
import { adminProcedure, router } from '../../init.js';
import { auditActor } from '../../actors.js';

const tags = ['admin', 'kuji'];
const base = '/admin/products/{id}/kuji-prizes';

// Prize image upload (multipart) is a plain Express route: see src/http/uploads.ts.
export const kujiPrizesRouter = router({
  list: adminProcedure
    .meta({
      openapi: { method: 'GET', path: base, tags, protect: true, summary: 'Prize lines of a kuji product' },
    })
    .input(ZProductIdInput)
    .output(ZListKujiPrizesOutput)
    .query(({ ctx, input }) => listKujiPrizes(ctx.deps, input.id)),

  create: adminProcedure
    .meta({
      openapi: { method: 'POST', path: base, tags, protect: true, summary: 'Create a prize line' },
      successStatus: 201,
    })
    .input(ZCreateKujiPrizeInput)
    .output(ZKujiPrizeRow)
    .mutation(({ ctx, input }) => createKujiPrize(ctx.deps, auditActor(ctx), input)),

  update: adminProcedure
    .meta({
      openapi: {
        method: 'PATCH',
        path: `${base}/{prizeId}`,
        tags,
        protect: true,
        summary: 'Update a prize line',
      },
    })
    .input(ZUpdateKujiPrizeInput)
    .output(ZKujiPrizeRow)
    .mutation(({ ctx, input }) => updateKujiPrize(ctx.deps, auditActor(ctx), input)),

  delete: adminProcedure
    .meta({
      openapi: {
        method: 'DELETE',
        path: `${base}/{prizeId}`,
        tags,
        protect: true,
        summary: 'Delete a prize line',
      },
    })
    .input(ZKujiPrizeIdInput)
    .output(ZDeleted)
    .mutation(({ ctx, input }) => deleteKujiPrize(ctx.deps, auditActor(ctx), input)),
});
