import {
  ZAdminOrderDetail,
  ZAdminOrderIdInput,
  ZIssueAccessLinkInput,
  ZIssueAccessLinkOutput,
  ZListAdminOrdersInput,
  ZListAdminOrdersOutput,
  ZReconcileRefundsOutput,
  ZRefundHeaders,
  ZRefundOrderInput,
  ZRefundResponseHeaders,
  ZResendConfirmationInput,
  ZResendConfirmationOutput,
  ZRetryFinalisationInput,
  ZRetryFinalisationOutput,
  ZUpdateOrderStatusInput,
  ZUpdateShipmentInput,
} from '@popbox/contracts';
import {
  getAdminOrderDetail,
  issueAccessLink,
  listAdminOrders,
  reconcileRefunds,
  refundOrder,
  resendConfirmation,
  retryFinalisation,
  updateOrderStatus,
  updateShipment,
} from '@popbox/domain';
import { adminProcedure, router } from '../../init.js';
import { auditActor } from '../../actors.js';

const tags = ['admin'];

export const ordersRouter = router({
  list: adminProcedure
    .meta({
      openapi: {
        method: 'GET',
        path: '/admin/orders',
        tags,
        protect: true,
        summary: 'Orders, newest first, with an optional status filter and a cursor',
      },
    })
    .input(ZListAdminOrdersInput)
    .output(ZListAdminOrdersOutput)
    .query(({ ctx, input }) => listAdminOrders(ctx.deps, input)),

  get: adminProcedure
    .meta({
      openapi: {
        method: 'GET',
        path: '/admin/orders/{id}',
        tags,
        protect: true,
        summary: 'Full unmasked order detail: items, tickets, payment, refunds, shipment, emails',
      },
    })
    .input(ZAdminOrderIdInput)
    .output(ZAdminOrderDetail)
    .query(({ ctx, input }) => getAdminOrderDetail(ctx.deps, input.id)),

  resendConfirmation: adminProcedure
    .meta({
      openapi: {
        method: 'POST',
        path: '/admin/orders/{orderId}/resend-confirmation',
        tags,
        protect: true,
        summary: 'Enqueue the confirmation email again (the refund email for refunded orders)',
      },
    })
    .input(ZResendConfirmationInput)
    .output(ZResendConfirmationOutput)
    .mutation(({ ctx, input }) => resendConfirmation(ctx.deps, auditActor(ctx), input.orderId)),

  updateStatus: adminProcedure
    .meta({
      openapi: {
        method: 'PATCH',
        path: '/admin/orders/{id}/status',
        tags,
        protect: true,
        summary: 'Pack, ship (no email) or cancel an unpaid order',
      },
    })
    .input(ZUpdateOrderStatusInput)
    .output(ZAdminOrderDetail)
    .mutation(({ ctx, input }) => updateOrderStatus(ctx.deps, auditActor(ctx), input)),

  updateShipment: adminProcedure
    .meta({
      openapi: {
        method: 'PATCH',
        path: '/admin/orders/{id}/shipment',
        tags,
        protect: true,
        summary: 'Upsert the shipment; packed → shipped with the shipped email; tracking changes emailed',
      },
    })
    .input(ZUpdateShipmentInput)
    .output(ZAdminOrderDetail)
    .mutation(({ ctx, input }) => updateShipment(ctx.deps, auditActor(ctx), input)),

  reconcileRefunds: adminProcedure
    .meta({
      openapi: {
        method: 'POST',
        path: '/admin/orders/{id}/refund/reconcile',
        tags,
        protect: true,
        summary: "Pull every refund of the order's payment from the provider and re-sync the local state",
      },
    })
    .input(ZAdminOrderIdInput)
    .output(ZReconcileRefundsOutput)
    .mutation(({ ctx, input }) => reconcileRefunds(ctx.deps, auditActor(ctx), input.id)),

  refund: adminProcedure
    .meta({
      openapi: {
        method: 'POST',
        path: '/admin/orders/{id}/refund',
        tags,
        protect: true,
        summary: 'Full or partial refund (requires Idempotency-Key)',
        requestHeaders: ZRefundHeaders,
        responseHeaders: ZRefundResponseHeaders,
      },
    })
    .input(ZRefundOrderInput)
    .output(ZAdminOrderDetail)
    .mutation(async ({ ctx, input }) => {
      const { detail, replayed } = await refundOrder(
        ctx.deps,
        auditActor(ctx),
        input,
        ctx.credentials.headers['idempotency-key'],
      );
      if (replayed) ctx.response.setHeader('Idempotent-Replayed', 'true');
      return detail;
    }),

  issueAccessLink: adminProcedure
    .meta({
      openapi: {
        method: 'POST',
        path: '/admin/orders/{id}/access-link',
        tags,
        protect: true,
        summary: "Revoke the order's guest links and cookies and issue a new link (optionally emailed)",
      },
    })
    .input(ZIssueAccessLinkInput)
    .output(ZIssueAccessLinkOutput)
    .mutation(({ ctx, input }) => issueAccessLink(ctx.deps, auditActor(ctx), input)),

  retryFinalisation: adminProcedure
    .meta({
      openapi: {
        method: 'POST',
        path: '/admin/orders/{id}/retry-finalisation',
        tags,
        protect: true,
        summary: 'Finalise a paid order parked for a stock reason, once stock is available again (F5)',
      },
    })
    .input(ZRetryFinalisationInput)
    .output(ZRetryFinalisationOutput)
    .mutation(({ ctx, input }) => retryFinalisation(ctx.deps, auditActor(ctx), input.id)),
});
