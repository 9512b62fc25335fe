import type { Breadcrumb, Event, NodeOptions } from '@sentry/node';
import { REDACTED, isSecretField, isSecretHeader, isSecretQueryParam, redactText } from './redact.js';

/**
 * Sanitisation of everything sent to error tracking (B22): error events, transactions (which Sentry 11
 * streams as spans) and breadcrumbs. One walk over the payload:
 * - every string has the values of `token`, `session_id` and `checkout_session_id` query parameters
 *   replaced (URLs, query strings, breadcrumb `url`/`from`/`to`, span attributes, messages);
 * - `authorization`, `cookie`, `set-cookie`, `x-order-token` (any case) and secret-named fields become
 *   `[REDACTED]` wherever they appear (request headers, breadcrumb `headers`, extras); other headers such
 *   as `stripe-signature` are left untouched;
 * - `query_string` in object or pair form and `cookies` are rewritten field by field;
 * - nothing absent is ever added.
 * The payload is rewritten in place (Sentry hands these hooks its own copy) and returned.
 */
export function sanitizeEvent<E extends Event>(event: E): E {
  return scrub(event, 0) as E;
}

export function sanitizeBreadcrumb(breadcrumb: Breadcrumb): Breadcrumb {
  return scrub(breadcrumb, 0) as Breadcrumb;
}

type StreamedSpan = Parameters<NonNullable<NodeOptions['beforeSendSpan']>>[0];
export function sanitizeSpan(span: StreamedSpan): StreamedSpan {
  return scrub(span, 0) as StreamedSpan;
}

/** Span attributes name headers `http.request.header.<name>`. */
const HEADER_ATTRIBUTE = /(?:^|\.)header\.([a-z0-9_-]+)$/i;
function isSecretKey(key: string): boolean {
  const header = HEADER_ATTRIBUTE.exec(key)?.[1];
  return isSecretHeader(header ? header.replaceAll('_', '-') : key) || isSecretField(key);
}

const MAX_DEPTH = 16;
/** Never serialised into the envelope, and it holds live scope objects: leave it alone. */
const SKIPPED_KEYS = new Set(['sdkProcessingMetadata']);

function scrub(value: unknown, depth: number): unknown {
  if (typeof value === 'string') return redactText(value);
  if (value === null || typeof value !== 'object' || depth > MAX_DEPTH) return value;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) value[i] = scrub(value[i], depth + 1);
    return value;
  }
  if (!isPlainObject(value)) return value;
  const record = value as Record<string, unknown>;
  for (const [key, field] of Object.entries(record)) {
    if (field === undefined || field === null || SKIPPED_KEYS.has(key)) continue;
    if (isSecretKey(key)) record[key] = REDACTED;
    else if (key === 'cookies') record[key] = redactEveryValue(field);
    else if (key === 'query_string') record[key] = scrubQueryString(field, depth + 1);
    else record[key] = scrub(field, depth + 1);
  }
  return record;
}

/** Sentry's `request.query_string` is a string, a record or a list of pairs. */
function scrubQueryString(query: unknown, depth: number): unknown {
  if (Array.isArray(query)) {
    return query.map((pair: unknown) =>
      Array.isArray(pair) && typeof pair[0] === 'string' && isSecretQueryParam(pair[0])
        ? [pair[0], REDACTED]
        : scrub(pair, depth + 1),
    );
  }
  if (isPlainObject(query)) {
    const record = query as Record<string, unknown>;
    for (const [key, field] of Object.entries(record)) {
      if (field === undefined || field === null) continue;
      record[key] = isSecretQueryParam(key) ? REDACTED : scrub(field, depth + 1);
    }
    return record;
  }
  return scrub(query, depth);
}

function redactEveryValue(field: unknown): unknown {
  if (!isPlainObject(field)) return REDACTED;
  return Object.fromEntries(Object.keys(field as object).map((k) => [k, REDACTED]));
}

function isPlainObject(value: unknown): boolean {
  if (value === null || typeof value !== 'object') return false;
  const proto = Object.getPrototypeOf(value) as unknown;
  return proto === Object.prototype || proto === null;
}
