import {
  ZAutocompleteInput,
  ZAutocompleteOutput,
  ZEmptyInput,
  ZGetProductInput,
  ZHomeOutput,
  ZListCollectionsOutput,
  ZListProductsInput,
  ZListProductsOutput,
  ZListTagsOutput,
  ZProductDetail,
  ZRecommendationsInput,
  ZRecommendationsOutput,
  ZSearchInput,
  ZSearchOutput,
} from '@popbox/contracts';
import {
  autocomplete,
  getHome,
  getProductBySlug,
  listActiveCollections,
  listProducts,
  listTags,
  recommendProducts,
  searchProducts,
} from '@popbox/domain';
import { publicProcedure, router } from '../../init.js';

export const catalogRouter = router({
  home: publicProcedure
    .meta({
      openapi: {
        method: 'GET',
        path: '/home',
        tags: ['catalog'],
        summary: 'Homepage rails: featured, trendingNow, allProductsPreview',
      },
    })
    .input(ZEmptyInput)
    .output(ZHomeOutput)
    .query(({ ctx }) => getHome(ctx.deps)),

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

  listProducts: publicProcedure
    .meta({
      openapi: {
        method: 'GET',
        path: '/products',
        tags: ['catalog'],
        summary: 'Paginated active product cards with collection/tag/type filters and sorts',
      },
    })
    .input(ZListProductsInput)
    .output(ZListProductsOutput)
    .query(({ ctx, input }) => listProducts(ctx.deps, input)),

  // Registered before getProduct: /products/{slug} would otherwise shadow it.
  recommendations: publicProcedure
    .meta({
      openapi: {
        method: 'GET',
        path: '/products/{slug}/recommendations',
        tags: ['catalog'],
        summary: 'Up to 12 in-stock related product cards',
      },
    })
    .input(ZRecommendationsInput)
    .output(ZRecommendationsOutput)
    .query(({ ctx, input }) => recommendProducts(ctx.deps, input)),

  getProduct: publicProcedure
    .meta({
      openapi: {
        method: 'GET',
        path: '/products/{slug}',
        tags: ['catalog'],
        summary: 'Active product detail with images, tags, inventory and kuji prizes',
      },
    })
    .input(ZGetProductInput)
    .output(ZProductDetail)
    .query(({ ctx, input }) => getProductBySlug(ctx.deps, input.slug)),

  // Registered before search: REST paths match in registration order.
  autocomplete: publicProcedure
    .meta({
      openapi: {
        method: 'GET',
        path: '/search/autocomplete',
        tags: ['catalog'],
        summary: 'Prefix suggestions with thumbnail',
      },
    })
    .input(ZAutocompleteInput)
    .output(ZAutocompleteOutput)
    .query(({ ctx, input }) => autocomplete(ctx.deps, input)),

  search: publicProcedure
    .meta({
      openapi: {
        method: 'GET',
        path: '/search',
        tags: ['catalog'],
        summary: 'Full-text and trigram product search (not paginated)',
      },
    })
    .input(ZSearchInput)
    .output(ZSearchOutput)
    .query(({ ctx, input }) => searchProducts(ctx.deps, input)),
});
