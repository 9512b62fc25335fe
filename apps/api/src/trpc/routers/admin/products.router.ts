import {
  ZAdminListProductsInput,
  ZAdminListProductsOutput,
  ZAdminProductDetail,
  ZCreateProductInput,
  ZDeleteImageInput,
  ZDeleted,
  ZInventoryRow,
  ZProductIdInput,
  ZProductImagesOutput,
  ZReorderImagesInput,
  ZUpdateInventoryInput,
  ZUpdateProductInput,
} from '@popbox/contracts';
import {
  createProduct,
  deleteProductImage,
  getAdminProduct,
  listAdminProducts,
  reorderProductImages,
  updateInventory,
  updateProduct,
} from '@popbox/domain';
import { adminProcedure, router } from '../../init.js';
import { auditActor } from '../../actors.js';

const tags = ['admin'];

// Image upload (multipart) is a plain Express route: see src/http/uploads.ts.
export const productsRouter = router({
  list: adminProcedure
    .meta({
      openapi: {
        method: 'GET',
        path: '/admin/products',
        tags,
        protect: true,
        summary: 'Paginated admin product list',
      },
    })
    .input(ZAdminListProductsInput)
    .output(ZAdminListProductsOutput)
    .query(({ ctx, input }) => listAdminProducts(ctx.deps, input)),

  create: adminProcedure
    .meta({
      openapi: { method: 'POST', path: '/admin/products', tags, protect: true, summary: 'Create a product' },
      successStatus: 201,
    })
    .input(ZCreateProductInput)
    .output(ZAdminProductDetail)
    .mutation(({ ctx, input }) => createProduct(ctx.deps, auditActor(ctx), input)),

  get: adminProcedure
    .meta({
      openapi: {
        method: 'GET',
        path: '/admin/products/{id}',
        tags,
        protect: true,
        summary: 'Product in any status',
      },
    })
    .input(ZProductIdInput)
    .output(ZAdminProductDetail)
    .query(({ ctx, input }) => getAdminProduct(ctx.deps, input.id)),

  update: adminProcedure
    .meta({
      openapi: {
        method: 'PATCH',
        path: '/admin/products/{id}',
        tags,
        protect: true,
        summary: 'Partial product update (the slug changes only when `slug` is sent)',
      },
    })
    .input(ZUpdateProductInput)
    .output(ZAdminProductDetail)
    .mutation(({ ctx, input }) => updateProduct(ctx.deps, auditActor(ctx), input)),

  reorderImages: adminProcedure
    .meta({
      openapi: {
        method: 'PATCH',
        path: '/admin/products/{id}/images/reorder',
        tags,
        protect: true,
        summary: 'Set image order',
      },
    })
    .input(ZReorderImagesInput)
    .output(ZProductImagesOutput)
    .mutation(({ ctx, input }) => reorderProductImages(ctx.deps, auditActor(ctx), input)),

  deleteImage: adminProcedure
    .meta({
      openapi: {
        method: 'DELETE',
        path: '/admin/products/{id}/images/{imageId}',
        tags,
        protect: true,
        summary: 'Delete an image from storage and the database',
      },
    })
    .input(ZDeleteImageInput)
    .output(ZDeleted)
    .mutation(({ ctx, input }) => deleteProductImage(ctx.deps, auditActor(ctx), input)),

  updateInventory: adminProcedure
    .meta({
      openapi: {
        method: 'PATCH',
        path: '/admin/products/{id}/inventory',
        tags,
        protect: true,
        summary: 'Set on_hand / low-stock threshold of a standard product',
      },
    })
    .input(ZUpdateInventoryInput)
    .output(ZInventoryRow)
    .mutation(({ ctx, input }) => updateInventory(ctx.deps, auditActor(ctx), input)),
});
