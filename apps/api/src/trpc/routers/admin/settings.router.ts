import {
  ZEmptyInput,
  ZPurchaseLimitSettings,
  ZShippingSettings,
  ZStoreBanner,
  ZUpdateStoreBannerInput,
} from '@popbox/contracts';
import {
  getPurchaseLimitSettings,
  updatePurchaseLimitSettings,
  getShippingSettings,
  getStoreBanner,
  updateShippingSettings,
  updateStoreBanner,
} from '@popbox/domain';
import { adminProcedure, router } from '../../init.js';
import { auditActor } from '../../actors.js';

const tags = ['admin', 'content'];

export const settingsRouter = router({
  getShipping: adminProcedure
    .meta({
      openapi: {
        method: 'GET',
        path: '/admin/settings/shipping',
        tags,
        protect: true,
        summary: 'Shipping pricing',
      },
    })
    .input(ZEmptyInput)
    .output(ZShippingSettings)
    .query(({ ctx }) => getShippingSettings(ctx.deps)),

  updateShipping: adminProcedure
    .meta({
      openapi: {
        method: 'PUT',
        path: '/admin/settings/shipping',
        tags,
        protect: true,
        summary: 'Replace shipping pricing',
      },
    })
    .input(ZShippingSettings)
    .output(ZShippingSettings)
    .mutation(({ ctx, input }) => updateShippingSettings(ctx.deps, auditActor(ctx), input)),

  getPurchaseLimits: adminProcedure
    .meta({
      openapi: {
        method: 'GET',
        path: '/admin/settings/purchase-limits',
        tags,
        protect: true,
        summary: 'What happens to a paid order that broke a purchase cap',
      },
    })
    .input(ZEmptyInput)
    .output(ZPurchaseLimitSettings)
    .query(({ ctx }) => getPurchaseLimitSettings(ctx.deps)),

  updatePurchaseLimits: adminProcedure
    .meta({
      openapi: {
        method: 'PUT',
        path: '/admin/settings/purchase-limits',
        tags,
        protect: true,
        summary: 'Turn automatic refunds of over-cap paid orders on or off',
      },
    })
    .input(ZPurchaseLimitSettings)
    .output(ZPurchaseLimitSettings)
    .mutation(({ ctx, input }) => updatePurchaseLimitSettings(ctx.deps, auditActor(ctx), input)),

  getStoreBanner: adminProcedure
    .meta({
      openapi: {
        method: 'GET',
        path: '/admin/settings/store-banner',
        tags,
        protect: true,
        summary: 'Banner settings',
      },
    })
    .input(ZEmptyInput)
    .output(ZStoreBanner)
    .query(({ ctx }) => getStoreBanner(ctx.deps)),

  updateStoreBanner: adminProcedure
    .meta({
      openapi: {
        method: 'PUT',
        path: '/admin/settings/store-banner',
        tags,
        protect: true,
        summary: 'Validate, normalise and replace the banner (at most 5 items)',
      },
    })
    .input(ZUpdateStoreBannerInput)
    .output(ZStoreBanner)
    .mutation(({ ctx, input }) => updateStoreBanner(ctx.deps, auditActor(ctx), input)),
});
