/**
 * The closed list of error codes of the PopBox API, with the HTTP status each one answers with.
 * Dependency-free on purpose: the domain package throws these codes and clients switch on them, so this
 * module is the one place both sides share (see README "Error model").
 */
export const ERROR_STATUS = {
  // 400 — malformed input
  VALIDATION_FAILED: 400,
  MALFORMED_JSON: 400,
  BAD_REQUEST: 400,
  IDEMPOTENCY_KEY_REQUIRED: 400,
  INVALID_SIGNATURE: 400,
  /** Issue 13: checkout of a capped product needs a challenge token (Turnstile) when one is configured. */
  CHALLENGE_REQUIRED: 400,
  // 401 — not authenticated
  UNAUTHENTICATED: 401,
  ORDER_ACCESS_DENIED: 401,
  // 403 — authenticated, not allowed
  FORBIDDEN: 403,
  ADMIN_NOT_PROVISIONED: 403,
  /** Issue 13: the challenge token was refused (invalid, expired or already used). */
  CHALLENGE_FAILED: 403,
  // 404
  NOT_FOUND: 404,
  ROUTE_NOT_FOUND: 404,
  // 409 — state conflicts
  CONFLICT: 409,
  DUPLICATE: 409,
  OUT_OF_STOCK: 409,
  PRODUCT_UNAVAILABLE: 409,
  INVALID_TRANSITION: 409,
  ORDER_BUSY: 409,
  IDEMPOTENCY_IN_FLIGHT: 409,
  CHECKOUT_NOT_REUSABLE: 409,
  EVENT_IN_PROGRESS: 409,
  NOT_PAID: 409,
  REFUND_NOT_ALLOWED: 409,
  REFUND_EXCEEDS_REFUNDABLE: 409,
  PRODUCT_TYPE_LOCKED: 409,
  TICKET_VOIDED: 409,
  TICKETS_NOT_REVEALABLE: 409,
  INVENTORY_BELOW_RESERVED: 409,
  PRIZE_QUANTITY_INVALID: 409,
  KUJI_DRAWS_PENDING: 409,
  KUJI_DRAW_PENDING: 409,
  KUJI_BOARD_SOLD_OUT: 409,
  /** Issue 13: checkout before the product's `salesStartAt` (details: salesStartAt). */
  NOT_ON_SALE_YET: 409,
  /** Issue 13: checkout at or after the product's `salesEndAt` (details: salesEndAt). */
  SALE_ENDED: 409,
  ALERT_NOT_APPLICABLE: 409,
  ALERT_LINK_USED: 409,
  /** Issue 13: a per-order or per-buyer purchase cap would be exceeded (details: product, cap, allowed). */
  PURCHASE_LIMIT: 409,
  // 408 / 413 / 415 / 431
  REQUEST_TIMEOUT: 408,
  PAYLOAD_TOO_LARGE: 413,
  UNSUPPORTED_MEDIA_TYPE: 415,
  HEADERS_TOO_LARGE: 431,
  // 422 — semantically impossible
  IDEMPOTENCY_KEY_REUSED: 422,
  WRONG_PRODUCT_TYPE: 422,
  UNSUPPORTED_IMAGE_TYPE: 422,
  FILE_TOO_LARGE: 422,
  TOO_MANY_FILES: 422,
  UNDELIVERABLE_EMAIL: 422,
  // 429
  RATE_LIMITED: 429,
  // 5xx
  INTERNAL: 500,
  UPSTREAM_FAILED: 502,
  DEPENDENCY_UNAVAILABLE: 503,
} as const;

export type ErrorCode = keyof typeof ERROR_STATUS;
export const ERROR_CODES = Object.keys(ERROR_STATUS) as ErrorCode[];

/** Generic client-facing messages for 5xx answers: internal text never leaves the server (security rule 14). */
export const GENERIC_5XX_MESSAGE: Record<number, string> = {
  500: 'Internal server error',
  502: 'An external provider could not be reached; please try again',
  503: 'Service unavailable',
};

/**
 * What a 502 `UPSTREAM_FAILED` tells the client, chosen by which provider failed and how (issue 11): the
 * domain names the failure from this closed table, the provider's own error text stays in the logs.
 */
export const UPSTREAM_FAILURE_MESSAGE = {
  payments: 'The payment provider could not be reached; please try again',
  payments_refund_incomplete: 'The payment provider did not complete the refund',
  payments_refund_unrecorded:
    'The refund went through at the payment provider but could not be recorded; reconcile the order',
  email: 'The email provider could not be reached; please try again',
  storage: 'The storage provider could not be reached; please try again',
} as const;

export type UpstreamFailure = keyof typeof UPSTREAM_FAILURE_MESSAGE;

export function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === 'string' && Object.hasOwn(ERROR_STATUS, value);
}

/**
 * The error body every REST response carries on failure. tRPC clients find the same fields in
 * `error.data` (`errorCode`, `httpStatus`, `requestId`, `details`).
 */
export interface ApiErrorBody {
  error: {
    code: ErrorCode;
    status: number;
    message: string;
    requestId?: string;
    details?: unknown;
  };
}
