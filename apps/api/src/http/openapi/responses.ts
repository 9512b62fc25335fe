import { ERROR_CODES, ERROR_STATUS, type ErrorCode } from '@popbox/contracts/errors';

/**
 * Error responses of the OpenAPI document, built from the closed code table of `@popbox/contracts/errors`:
 * an operation lists the codes it can answer, and each status gets one response naming them, with the one
 * error body (spec (e) as amended by F1) and the headers that say when to retry.
 */

const ERROR_DETAIL = {
  type: 'object',
  properties: {
    code: { type: 'string', enum: ERROR_CODES },
    status: { type: 'integer' },
    message: { type: 'string' },
    requestId: { type: 'string' },
    details: { description: 'Code-specific details, e.g. `{ fields }` for VALIDATION_FAILED' },
  },
  required: ['code', 'status', 'message'],
} as const;

export const ERROR_SCHEMAS = {
  ApiError: {
    type: 'object',
    description: 'The one error body of every REST answer and plain route.',
    properties: { error: { $ref: '#/components/schemas/ApiErrorDetail' } },
    required: ['error'],
  },
  ApiErrorDetail: ERROR_DETAIL,
  RateLimitRefusal: {
    type: 'object',
    description:
      'A 429: the rate limiter answers `{ ok: false, error }`; a refusal decided by the domain (purchase caps, ' +
      'alert requests per address) is the plain error body.',
    properties: {
      ok: { type: 'boolean', const: false },
      error: { $ref: '#/components/schemas/ApiErrorDetail' },
    },
    required: ['error'],
  },
} as const;

export const ERROR_HEADERS = {
  RetryAfter: {
    description: 'Seconds after which the same request may succeed.',
    schema: { type: 'integer', minimum: 0 },
  },
  RateLimit: {
    description: 'draft-7 `RateLimit`: remaining requests and seconds until the window resets.',
    schema: { type: 'string' },
  },
  RateLimitPolicy: {
    description: 'draft-7 `RateLimit-Policy`: the limit and window of this client.',
    schema: { type: 'string' },
  },
} as const;

const STATUS_TITLE: Record<number, string> = {
  400: 'Malformed input',
  401: 'Not authenticated',
  403: 'Authenticated but not allowed',
  404: 'Not found',
  408: 'Request timeout',
  409: 'State conflict',
  413: 'Request body too large',
  415: 'Unsupported media type',
  422: 'Semantically impossible',
  429: 'Rate limited',
  431: 'Request headers too large',
  500: 'Unexpected error (generic message)',
  502: 'An external provider failed (generic message)',
  503: 'A dependency is unavailable or the service sheds load',
};

/** 409s that tell the client when the conflict clears (`details.retryAfterSeconds` → `Retry-After`). */
const RETRYABLE_CONFLICTS = new Set<ErrorCode>([
  'ORDER_BUSY',
  'IDEMPOTENCY_IN_FLIGHT',
  'EVENT_IN_PROGRESS',
  'KUJI_DRAW_PENDING',
  'KUJI_DRAWS_PENDING',
]);

const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
const header = (name: keyof typeof ERROR_HEADERS) => ({ $ref: `#/components/headers/${name}` });

export interface ResponseObject {
  description: string;
  headers?: Record<string, unknown>;
  content?: Record<string, { schema?: unknown }>;
}

/**
 * One response per status for the given codes (duplicates ignored), in status order; `notes` says in the
 * route's words when a status happens (the codes are listed after it).
 */
export function errorResponses(
  codes: readonly ErrorCode[],
  notes: Partial<Record<number, string>> = {},
): Record<string, ResponseObject> {
  const byStatus = new Map<number, ErrorCode[]>();
  for (const code of new Set(codes)) {
    const status = ERROR_STATUS[code];
    byStatus.set(status, [...(byStatus.get(status) ?? []), code]);
  }
  const out: Record<string, ResponseObject> = {};
  for (const status of [...byStatus.keys()].sort((a, b) => a - b)) {
    out[status] = errorResponse(status, byStatus.get(status) ?? [], notes[status]);
  }
  return out;
}

function errorResponse(status: number, codes: ErrorCode[], note?: string): ResponseObject {
  const list = codes.map((c) => `\`${c}\``).join(', ');
  const response: ResponseObject = {
    description: note ? `${note} (${list})` : `${STATUS_TITLE[status] ?? 'Error'}: ${list}`,
    content: { 'application/json': { schema: ref(status === 429 ? 'RateLimitRefusal' : 'ApiError') } },
  };
  if (status === 429) {
    response.headers = {
      'Retry-After': header('RetryAfter'),
      RateLimit: header('RateLimit'),
      'RateLimit-Policy': header('RateLimitPolicy'),
    };
  } else if (status === 503 || codes.some((c) => RETRYABLE_CONFLICTS.has(c))) {
    response.headers = { 'Retry-After': header('RetryAfter') };
  }
  return response;
}

/** The error body, for a plain route's response that needs its own description. */
export const errorContent = () => ({ 'application/json': { schema: ref('ApiError') } });
