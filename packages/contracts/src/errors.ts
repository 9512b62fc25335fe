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
  // 401 — not authenticated
  UNAUTHENTICATED: 401,
  ORDER_ACCESS_DENIED: 401,
  // 403 — authenticated, not allowed
  FORBIDDEN: 403,
  ADMIN_NOT_PROVISIONED: 403,
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
  TICKETS_REVEALED: 409,
  TICKET_VOIDED: 409,
  TICKETS_NOT_REVEALABLE: 409,
  INVENTORY_BELOW_RESERVED: 409,
  PRIZE_QUANTITY_INVALID: 409,
  // 413 / 415
  PAYLOAD_TOO_LARGE: 413,
  UNSUPPORTED_MEDIA_TYPE: 415,
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
  502: 'Bad gateway',
  503: 'Service unavailable',
};

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
