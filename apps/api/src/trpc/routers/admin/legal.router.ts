import {
  ZAdminListLegalInput,
  ZCreateFaqInput,
  ZDeleted,
  ZEmptyInput,
  ZFaqIdInput,
  ZFaqItem,
  ZLegalDocument,
  ZLegalIdInput,
  ZListFaqOutput,
  ZListLegalOutput,
  ZPublishLegalInput,
  ZRepublishLegalInput,
  ZUpdateFaqInput,
} from '@popbox/contracts';
import {
  createFaqItem,
  deleteFaqItem,
  getAdminLegalDocument,
  listAdminFaq,
  listAdminLegalDocuments,
  publishLegalDocument,
  republishLegalDocument,
  updateFaqItem,
} from '@popbox/domain';
import { adminProcedure, router } from '../../init.js';
import { auditActor } from '../../actors.js';

const tags = ['admin', 'content'];

// REST paths match in registration order: the static /admin/legal/faq routes come before /admin/legal/{id}.
export const legalRouter = router({
  list: adminProcedure
    .meta({
      openapi: {
        method: 'GET',
        path: '/admin/legal',
        tags,
        protect: true,
        summary: 'All legal document versions',
      },
    })
    .input(ZAdminListLegalInput)
    .output(ZListLegalOutput)
    .query(({ ctx, input }) => listAdminLegalDocuments(ctx.deps, input)),

  publish: adminProcedure
    .meta({
      openapi: {
        method: 'POST',
        path: '/admin/legal',
        tags,
        protect: true,
        summary: 'Publish the next version of a type',
      },
      successStatus: 201,
    })
    .input(ZPublishLegalInput)
    .output(ZLegalDocument)
    .mutation(({ ctx, input }) => publishLegalDocument(ctx.deps, auditActor(ctx), input)),

  listFaq: adminProcedure
    .meta({
      openapi: { method: 'GET', path: '/admin/legal/faq', tags, protect: true, summary: 'All FAQ items' },
    })
    .input(ZEmptyInput)
    .output(ZListFaqOutput)
    .query(({ ctx }) => listAdminFaq(ctx.deps)),

  createFaq: adminProcedure
    .meta({
      openapi: {
        method: 'POST',
        path: '/admin/legal/faq',
        tags,
        protect: true,
        summary: 'Create a FAQ item',
      },
      successStatus: 201,
    })
    .input(ZCreateFaqInput)
    .output(ZFaqItem)
    .mutation(({ ctx, input }) => createFaqItem(ctx.deps, auditActor(ctx), input)),

  updateFaq: adminProcedure
    .meta({
      openapi: {
        method: 'PATCH',
        path: '/admin/legal/faq/{id}',
        tags,
        protect: true,
        summary: 'Update a FAQ item',
      },
    })
    .input(ZUpdateFaqInput)
    .output(ZFaqItem)
    .mutation(({ ctx, input }) => updateFaqItem(ctx.deps, auditActor(ctx), input)),

  deleteFaq: adminProcedure
    .meta({
      openapi: {
        method: 'DELETE',
        path: '/admin/legal/faq/{id}',
        tags,
        protect: true,
        summary: 'Delete a FAQ item',
      },
    })
    .input(ZFaqIdInput)
    .output(ZDeleted)
    .mutation(({ ctx, input }) => deleteFaqItem(ctx.deps, auditActor(ctx), input.id)),

  get: adminProcedure
    .meta({
      openapi: {
        method: 'GET',
        path: '/admin/legal/{id}',
        tags,
        protect: true,
        summary: 'One legal document version',
      },
    })
    .input(ZLegalIdInput)
    .output(ZLegalDocument)
    .query(({ ctx, input }) => getAdminLegalDocument(ctx.deps, input.id)),

  republish: adminProcedure
    .meta({
      openapi: {
        method: 'PATCH',
        path: '/admin/legal/{id}',
        tags,
        protect: true,
        summary: "Publish a new version of the document's type from new content",
      },
    })
    .input(ZRepublishLegalInput)
    .output(ZLegalDocument)
    .mutation(({ ctx, input }) => republishLegalDocument(ctx.deps, auditActor(ctx), input)),
});
