import {
  ZEmptyInput,
  ZGetLegalInput,
  ZLegalDocument,
  ZListFaqOutput,
  ZListLegalOutput,
  ZStoreBanner,
} from '@popbox/contracts';
import {
  getActiveLegalDocument,
  getStoreBanner,
  listActiveLegalDocuments,
  listPublishedFaq,
} from '@popbox/domain';
import { publicProcedure, router } from '../../init.js';

export const contentRouter = router({
  storeBanner: publicProcedure
    .meta({
      openapi: {
        method: 'GET',
        path: '/settings/store-banner',
        tags: ['content'],
        summary: 'Storefront banner',
      },
    })
    .input(ZEmptyInput)
    .output(ZStoreBanner)
    .query(({ ctx }) => getStoreBanner(ctx.deps)),

  listLegal: publicProcedure
    .meta({
      openapi: { method: 'GET', path: '/legal', tags: ['content'], summary: 'Active legal documents' },
    })
    .input(ZEmptyInput)
    .output(ZListLegalOutput)
    .query(({ ctx }) => listActiveLegalDocuments(ctx.deps)),

  // Registered before getLegal: REST paths match in registration order and /legal/{type} would shadow it.
  listFaq: publicProcedure
    .meta({
      openapi: { method: 'GET', path: '/legal/faq', tags: ['content'], summary: 'Published FAQ items' },
    })
    .input(ZEmptyInput)
    .output(ZListFaqOutput)
    .query(({ ctx }) => listPublishedFaq(ctx.deps)),

  getLegal: publicProcedure
    .meta({
      openapi: {
        method: 'GET',
        path: '/legal/{type}',
        tags: ['content'],
        summary: 'Active legal document by type',
      },
    })
    .input(ZGetLegalInput)
    .output(ZLegalDocument)
    .query(({ ctx, input }) => getActiveLegalDocument(ctx.deps, input.type)),
});
