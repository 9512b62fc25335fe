import {
  ZAdminCollection,
  ZAdminListCollectionsOutput,
  ZAdminListTagsOutput,
  ZAdminTag,
  ZCreateCollectionInput,
  ZCreateTagInput,
  ZEmptyInput,
  ZUpdateCollectionInput,
  ZUpdateTagInput,
} from '@popbox/contracts';
import {
  createCollection,
  createTag,
  listAdminCollections,
  listAdminTags,
  updateCollection,
  updateTag,
} from '@popbox/domain';
import { adminProcedure, router } from '../../init.js';
import { auditActor } from '../../actors.js';

const tags = ['admin'];

export const collectionsRouter = router({
  list: adminProcedure
    .meta({
      openapi: { method: 'GET', path: '/admin/collections', tags, protect: true, summary: 'All collections' },
    })
    .input(ZEmptyInput)
    .output(ZAdminListCollectionsOutput)
    .query(({ ctx }) => listAdminCollections(ctx.deps)),

  create: adminProcedure
    .meta({
      openapi: {
        method: 'POST',
        path: '/admin/collections',
        tags,
        protect: true,
        summary: 'Create a collection',
      },
      successStatus: 201,
    })
    .input(ZCreateCollectionInput)
    .output(ZAdminCollection)
    .mutation(({ ctx, input }) => createCollection(ctx.deps, auditActor(ctx), input)),

  update: adminProcedure
    .meta({
      openapi: {
        method: 'PATCH',
        path: '/admin/collections/{id}',
        tags,
        protect: true,
        summary: 'Update a collection',
      },
    })
    .input(ZUpdateCollectionInput)
    .output(ZAdminCollection)
    .mutation(({ ctx, input }) => updateCollection(ctx.deps, auditActor(ctx), input)),
});

export const tagsRouter = router({
  list: adminProcedure
    .meta({ openapi: { method: 'GET', path: '/admin/tags', tags, protect: true, summary: 'All tags' } })
    .input(ZEmptyInput)
    .output(ZAdminListTagsOutput)
    .query(({ ctx }) => listAdminTags(ctx.deps)),

  create: adminProcedure
    .meta({
      openapi: { method: 'POST', path: '/admin/tags', tags, protect: true, summary: 'Create a tag' },
      successStatus: 201,
    })
    .input(ZCreateTagInput)
    .output(ZAdminTag)
    .mutation(({ ctx, input }) => createTag(ctx.deps, auditActor(ctx), input)),

  update: adminProcedure
    .meta({
      openapi: { method: 'PATCH', path: '/admin/tags/{id}', tags, protect: true, summary: 'Update a tag' },
    })
    .input(ZUpdateTagInput)
    .output(ZAdminTag)
    .mutation(({ ctx, input }) => updateTag(ctx.deps, auditActor(ctx), input)),
});
