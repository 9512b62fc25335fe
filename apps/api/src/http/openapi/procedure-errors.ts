import type { ErrorCode } from '@popbox/contracts/errors';

/**
 * What each REST procedure can answer beyond the statuses every procedure of its kind shares (see
 * `baselineCodes` in procedure-operations.ts: malformed input, rate limit, tier authentication, 404 of a
 * path parameter outside the order tier, the read gate's 503, 500). One place on purpose: the codes are the domain's, read from the use cases each procedure calls,
 * and a procedure missing here simply documents the baseline. Names that are not procedures fail the build
 * of the document (and so every test), so the table cannot drift silently from the router.
 */
export const PROCEDURE_ERRORS: Record<string, readonly ErrorCode[]> = {
  // public
  'public.checkout.createSession': [
    'IDEMPOTENCY_KEY_REQUIRED',
    'CHALLENGE_REQUIRED',
    'CHALLENGE_FAILED',
    'NOT_FOUND',
    'OUT_OF_STOCK',
    'PRODUCT_UNAVAILABLE',
    'NOT_ON_SALE_YET',
    'SALE_ENDED',
    'PURCHASE_LIMIT',
    'KUJI_DRAWS_PENDING',
    'KUJI_BOARD_SOLD_OUT',
    'IDEMPOTENCY_IN_FLIGHT',
    'CHECKOUT_NOT_REUSABLE',
    'IDEMPOTENCY_KEY_REUSED',
    'UPSTREAM_FAILED',
  ],
  'public.checkout.success': ['ORDER_ACCESS_DENIED', 'NOT_FOUND', 'NOT_PAID', 'UPSTREAM_FAILED'],
  'public.alerts.subscribe': ['ALERT_NOT_APPLICABLE'],
  'public.alerts.subscribeTag': ['ALERT_NOT_APPLICABLE'],
  'public.alerts.confirm': ['INVALID_SIGNATURE', 'ALERT_LINK_USED'],
  'public.alerts.unsubscribe': ['INVALID_SIGNATURE'],
  // order (guest session)
  'order.orders.get': ['NOT_FOUND'],
  'order.tickets.list': ['NOT_FOUND'],
  'order.tickets.revealAll': ['TICKETS_NOT_REVEALABLE', 'KUJI_DRAW_PENDING'],
  'order.tickets.reveal': ['NOT_FOUND', 'TICKETS_NOT_REVEALABLE', 'TICKET_VOIDED', 'KUJI_DRAW_PENDING'],
  // admin
  'admin.products.create': ['NOT_FOUND', 'DUPLICATE'],
  'admin.products.update': ['DUPLICATE', 'PRODUCT_TYPE_LOCKED', 'KUJI_DRAWS_PENDING', 'KUJI_BOARD_SOLD_OUT'],
  'admin.products.deleteImage': ['UPSTREAM_FAILED', 'DEPENDENCY_UNAVAILABLE'],
  'admin.products.updateInventory': ['INVENTORY_BELOW_RESERVED', 'WRONG_PRODUCT_TYPE'],
  'admin.kujiPrizes.list': ['WRONG_PRODUCT_TYPE'],
  'admin.kujiPrizes.create': [
    'DUPLICATE',
    'PRIZE_QUANTITY_INVALID',
    'INVENTORY_BELOW_RESERVED',
    'KUJI_DRAWS_PENDING',
    'KUJI_BOARD_SOLD_OUT',
    'WRONG_PRODUCT_TYPE',
  ],
  'admin.kujiPrizes.update': [
    'DUPLICATE',
    'PRIZE_QUANTITY_INVALID',
    'INVENTORY_BELOW_RESERVED',
    'KUJI_DRAWS_PENDING',
    'KUJI_BOARD_SOLD_OUT',
    'WRONG_PRODUCT_TYPE',
    'UPSTREAM_FAILED',
  ],
  'admin.kujiPrizes.delete': [
    'INVENTORY_BELOW_RESERVED',
    'KUJI_DRAWS_PENDING',
    'KUJI_BOARD_SOLD_OUT',
    'WRONG_PRODUCT_TYPE',
    'UPSTREAM_FAILED',
  ],
  'admin.collections.create': ['DUPLICATE'],
  'admin.collections.update': ['DUPLICATE'],
  'admin.tags.create': ['DUPLICATE'],
  'admin.tags.update': ['DUPLICATE'],
  'admin.legal.publish': ['CONFLICT'],
  'admin.legal.republish': ['CONFLICT'],
  'admin.orders.resendConfirmation': ['CONFLICT', 'ORDER_BUSY', 'UNDELIVERABLE_EMAIL', 'UPSTREAM_FAILED'],
  'admin.orders.updateStatus': ['INVALID_TRANSITION', 'ORDER_BUSY'],
  'admin.orders.updateShipment': ['INVALID_TRANSITION', 'ORDER_BUSY'],
  'admin.orders.reconcileRefunds': ['REFUND_NOT_ALLOWED', 'ORDER_BUSY', 'UPSTREAM_FAILED'],
  'admin.orders.refund': [
    'IDEMPOTENCY_KEY_REQUIRED',
    'REFUND_NOT_ALLOWED',
    'REFUND_EXCEEDS_REFUNDABLE',
    'ORDER_BUSY',
    'IDEMPOTENCY_IN_FLIGHT',
    'IDEMPOTENCY_KEY_REUSED',
    'UPSTREAM_FAILED',
  ],
  'admin.orders.issueAccessLink': ['ORDER_BUSY', 'UNDELIVERABLE_EMAIL', 'UPSTREAM_FAILED'],
  'admin.orders.retryFinalisation': [
    'CONFLICT',
    'INVALID_TRANSITION',
    'OUT_OF_STOCK',
    'PURCHASE_LIMIT',
    'ORDER_BUSY',
    'UPSTREAM_FAILED',
  ],
};

/** Success statuses a use case chooses at run time (`ctx.response.status`), besides the procedure's own. */
export const EXTRA_SUCCESS: Record<string, Record<number, string>> = {
  'public.checkout.success': {
    202: 'Paid, but the payment webhook has not finalised the order yet: poll again',
  },
};
