import { TRPCError } from '@trpc/server';
import { ZodError } from 'zod';
import {
  ERROR_STATUS,
  GENERIC_5XX_MESSAGE,
  UPSTREAM_FAILURE_MESSAGE,
  type ErrorCode,
} from '@popbox/contracts/errors';
import { isDomainError } from '@popbox/domain';
import { isDatabaseUnavailable, isUniqueViolation, pgError } from '@popbox/db';

/** One error, as every surface presents it (F1). */
export interface ApiError {
  code: ErrorCode;
  status: number;
  message: string;
  details?: unknown;
  /** Seconds after which a retry may succeed: every surface sends it as `Retry-After`. */
  retryAfterSeconds?: number;
}

/** `Retry-After` of a 503 that does not name its own: the pool's wait, a gate's queue clear in about that. */
export const DEFAULT_RETRY_AFTER_SECONDS = 2;

const TRPC_KEY_TO_CODE: Partial<Record<TRPCError['code'], ErrorCode>> = {
  PARSE_ERROR: 'MALFORMED_JSON',
  BAD_REQUEST: 'BAD_REQUEST',
  UNAUTHORIZED: 'UNAUTHENTICATED',
  FORBIDDEN: 'FORBIDDEN',
  NOT_FOUND: 'ROUTE_NOT_FOUND',
  METHOD_NOT_SUPPORTED: 'ROUTE_NOT_FOUND',
  CONFLICT: 'CONFLICT',
  PAYLOAD_TOO_LARGE: 'PAYLOAD_TOO_LARGE',
  UNSUPPORTED_MEDIA_TYPE: 'UNSUPPORTED_MEDIA_TYPE',
  TOO_MANY_REQUESTS: 'RATE_LIMITED',
  BAD_GATEWAY: 'UPSTREAM_FAILED',
  SERVICE_UNAVAILABLE: 'DEPENDENCY_UNAVAILABLE',
};

const STATUS_TO_TRPC_KEY: Record<number, TRPCError['code']> = {
  400: 'BAD_REQUEST',
  401: 'UNAUTHORIZED',
  403: 'FORBIDDEN',
  404: 'NOT_FOUND',
  409: 'CONFLICT',
  413: 'PAYLOAD_TOO_LARGE',
  415: 'UNSUPPORTED_MEDIA_TYPE',
  422: 'UNPROCESSABLE_CONTENT',
  429: 'TOO_MANY_REQUESTS',
  500: 'INTERNAL_SERVER_ERROR',
  502: 'BAD_GATEWAY',
  503: 'SERVICE_UNAVAILABLE',
};

export function trpcKeyForStatus(status: number): TRPCError['code'] {
  return STATUS_TO_TRPC_KEY[status] ?? 'INTERNAL_SERVER_ERROR';
}

function make(code: ErrorCode, message: string, details?: unknown): ApiError {
  const status = ERROR_STATUS[code];
  const named = (details as { retryAfterSeconds?: unknown } | undefined)?.retryAfterSeconds;
  const retryAfter =
    typeof named === 'number' ? named : status === 503 ? DEFAULT_RETRY_AFTER_SECONDS : undefined;
  const retry = retryAfter === undefined ? {} : { retryAfterSeconds: retryAfter };
  if (status >= 500) {
    return { code, status, message: GENERIC_5XX_MESSAGE[status] ?? 'Internal server error', ...retry };
  }
  return details === undefined
    ? { code, status, message, ...retry }
    : { code, status, message, details, ...retry };
}

/** Field errors keyed by dotted path, e.g. `{ "items.0.quantity": ["Too big: expected number to be <=20"] }`. */
export function fieldErrors(error: ZodError): Record<string, string[]> {
  // A Map, not an object literal: a field may be named `__proto__` or `constructor`.
  const fields = new Map<string, string[]>();
  for (const issue of error.issues) {
    // Unknown keys of strict objects are reported on the parent; name each key as the field instead.
    const paths =
      issue.code === 'unrecognized_keys' ? issue.keys.map((key) => [...issue.path, key]) : [issue.path];
    for (const path of paths) {
      const key = path.length ? path.map(String).join('.') : '(root)';
      const messages = fields.get(key) ?? [];
      messages.push(issue.code === 'unrecognized_keys' ? 'Unknown field' : issue.message);
      fields.set(key, messages);
    }
  }
  return Object.fromEntries(fields);
}

export function validationError(error: ZodError, where = 'input'): ApiError {
  const fields = fieldErrors(error);
  const summary = Object.entries(fields)
    .slice(0, 3)
    .map(([path, messages]) => `${path}: ${messages[0]}`)
    .join('; ');
  return make('VALIDATION_FAILED', `Invalid ${where}: ${summary}`, { fields });
}

interface HttpishError {
  type?: string;
  status?: unknown;
  statusCode?: unknown;
  status_code?: unknown;
  output?: { statusCode?: unknown };
}

/** The HTTP status an error object carries in any of the usual places (http-errors, Boom, SDK errors). */
function carriedStatus(error: HttpishError): number | undefined {
  const raw = error.status ?? error.statusCode ?? error.status_code ?? error.output?.statusCode;
  const status = typeof raw === 'string' ? Number(raw) : raw;
  return typeof status === 'number' && Number.isInteger(status) ? status : undefined;
}

/** Maps anything thrown to the public error. Unknown errors become a generic 500. */
export function toApiError(error: unknown): ApiError {
  if (isDomainError(error)) {
    // A provider failure says which provider, from the closed table; nothing of the internal message.
    if (error.upstream && error.code === 'UPSTREAM_FAILED') {
      return { code: error.code, status: error.status, message: UPSTREAM_FAILURE_MESSAGE[error.upstream] };
    }
    return make(error.code, error.message, error.details);
  }
  if (error instanceof ZodError) return validationError(error);
  if (error instanceof TRPCError) {
    if (error.cause && error.cause !== error) {
      if (isDomainError(error.cause) || error.cause instanceof ZodError) return toApiError(error.cause);
      if (error.cause.name === 'ZodError' && 'issues' in error.cause) {
        return validationError(error.cause as unknown as ZodError);
      }
      // A database error under the procedure: mapped like one thrown anywhere else (409s, client values).
      if (!(error.cause instanceof TRPCError)) {
        const fromCause = toApiError(error.cause);
        if (fromCause.code !== 'INTERNAL') return fromCause;
      }
    }
    const code = TRPC_KEY_TO_CODE[error.code];
    if (code) return make(code, error.message);
    return make('INTERNAL', error.message);
  }
  // An exhausted pool or an unreachable database is a momentary state of the service: 503 + Retry-After.
  if (isDatabaseUnavailable(error)) return make('DEPENDENCY_UNAVAILABLE', 'Database unavailable');
  const unique = isUniqueViolation(error);
  if (unique) return duplicate(unique.constraint);
  // Values PostgreSQL refuses (a date or uuid it cannot read, a NUL byte, a number or text too big for its
  // column) are the client's mistake: a safety net behind the schemas and the input sanitiser.
  const pg = pgError(error);
  const valueProblem = pg ? CLIENT_VALUE_SQLSTATES[pg.code] : undefined;
  if (pg && valueProblem) {
    return make(
      'BAD_REQUEST',
      valueProblem,
      pg.column ? { fields: { [pg.column]: [valueProblem] } } : undefined,
    );
  }
  const httpish = (error ?? {}) as HttpishError;
  if (httpish.type === 'entity.parse.failed') return make('MALFORMED_JSON', 'Malformed JSON body');
  if (httpish.type === 'entity.too.large') return make('PAYLOAD_TOO_LARGE', 'Request body too large');
  if (httpish.type === 'encoding.unsupported' || httpish.type === 'charset.unsupported') {
    return make('UNSUPPORTED_MEDIA_TYPE', 'Unsupported body encoding');
  }
  // http-errors style (express.static, send, body-parser): a client status is the client's mistake.
  const status = carriedStatus(httpish);
  if (status !== undefined && status >= 400 && status < 500) {
    return make(STATUS_TO_CODE[status] ?? 'BAD_REQUEST', status === 404 ? 'Not found' : 'Bad request');
  }
  return make('INTERNAL', 'Internal server error');
}

/** SQLSTATEs of class 22 (data exception) that a client's value causes, with what to tell the client. */
const CLIENT_VALUE_SQLSTATES: Partial<Record<string, string>> = {
  '22P02': 'Invalid value in the request', // invalid_text_representation
  '22007': 'Invalid date in the request', // invalid_datetime_format
  '22008': 'Invalid date in the request', // datetime_field_overflow
  '22021': 'A text value contains a character that cannot be stored', // invalid byte sequence (NUL)
  '22P05': 'A text value contains a character that cannot be stored', // untranslatable_character
  '22003': 'A number in the request is out of range', // numeric_value_out_of_range
  '22001': 'A text value in the request is too long', // string_data_right_truncation
  '22025': 'Invalid value in the request', // invalid_escape_sequence (LIKE patterns)
  '2201B': 'Invalid value in the request', // invalid_regular_expression
};

const STATUS_TO_CODE: Record<number, ErrorCode> = {
  400: 'BAD_REQUEST',
  401: 'UNAUTHENTICATED',
  403: 'FORBIDDEN',
  404: 'NOT_FOUND',
  409: 'CONFLICT',
  429: 'RATE_LIMITED',
  413: 'PAYLOAD_TOO_LARGE',
  415: 'UNSUPPORTED_MEDIA_TYPE',
};

/** Last-resort mapping of a unique violation the domain did not anticipate: still a 409, never a 500. */
function duplicate(constraint: string | undefined): ApiError {
  return make(
    'DUPLICATE',
    'A record with the same unique value already exists',
    constraint ? { constraint } : undefined,
  );
}
