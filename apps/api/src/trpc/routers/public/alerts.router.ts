import {
  ZAlertAccepted,
  ZAlertConfirmed,
  ZAlertTokenInput,
  ZAlertUnsubscribed,
  ZSubscribeProductAlertInput,
  ZSubscribeTagAlertInput,
} from '@popbox/contracts';
import {
  confirmAlertSubscription,
  subscribeToProductAlert,
  subscribeToTagAlert,
  unsubscribeAlert,
} from '@popbox/domain';
import { publicProcedure, router } from '../../init.js';

/**
 * Issue 13 alerts. Subscribing always answers 202 with the same body (no enumeration); the email links
 * (GET page + POST one-click) are plain routes (http/alert-links.ts), and the two JSON operations below let
 * a storefront render its own confirm/unsubscribe pages.
 */
export const alertsRouter = router({
  subscribe: publicProcedure
    .meta({
      openapi: {
        method: 'POST',
        path: '/products/{slug}/alerts',
        tags: ['alerts'],
        summary:
          "Ask for an email when a sold-out product is back in stock, when a drop starts, or (new_board) when a new board of this kuji board's series is announced; double opt-in",
      },
      successStatus: 202,
    })
    .input(ZSubscribeProductAlertInput)
    .output(ZAlertAccepted)
    .mutation(({ ctx, input }) => subscribeToProductAlert(ctx.deps, input)),

  subscribeTag: publicProcedure
    .meta({
      openapi: {
        method: 'POST',
        path: '/tags/{slug}/alerts',
        tags: ['alerts'],
        summary:
          'Follow a kuji series (tag of type series): an email when a new board is announced; double opt-in',
      },
      successStatus: 202,
    })
    .input(ZSubscribeTagAlertInput)
    .output(ZAlertAccepted)
    .mutation(({ ctx, input }) => subscribeToTagAlert(ctx.deps, input)),

  confirm: publicProcedure
    .meta({
      openapi: {
        method: 'POST',
        path: '/alerts/confirmations',
        tags: ['alerts'],
        summary: 'Confirm an alert with the token of its confirmation email (single use)',
      },
    })
    .input(ZAlertTokenInput)
    .output(ZAlertConfirmed)
    .mutation(({ ctx, input }) => confirmAlertSubscription(ctx.deps, input)),

  unsubscribe: publicProcedure
    .meta({
      openapi: {
        method: 'POST',
        path: '/alerts/unsubscriptions',
        tags: ['alerts'],
        summary: 'Unsubscribe an alert with the token of its unsubscribe link (idempotent)',
      },
    })
    .input(ZAlertTokenInput)
    .output(ZAlertUnsubscribed)
    .mutation(({ ctx, input }) => unsubscribeAlert(ctx.deps, input)),
});
