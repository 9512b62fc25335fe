import type { TRPCError } from '@trpc/server';
import type { Logger } from '@popbox/domain';
import { toApiError } from '../http/error-mapping.js';
import { reportError } from '../observability/sentry.js';

/** Errors the procedures' error boundary has already logged and reported (each exactly once). */
const handled = new WeakSet<object>();

export function markHandled(...errors: unknown[]): void {
  for (const error of errors) if (error && typeof error === 'object') handled.add(error);
}

/**
 * The adapters' `onError` (tRPC and REST): a 5xx that failed outside any procedure — in the adapter while
 * reading or re-serialising the input, in context creation — never passed the error boundary, so it is
 * logged with the request id and reported here (B22). Errors the boundary handled are skipped.
 */
export function logUnhandledAdapterError(fallback: Logger) {
  return ({ error, path, ctx }: { error: TRPCError; path?: string | undefined; ctx?: unknown }) => {
    if (handled.has(error) || (error.cause && handled.has(error.cause))) return;
    if (toApiError(error).status < 500) return;
    const log = (ctx as { log?: Logger } | undefined)?.log ?? fallback;
    log.error({ err: error.cause ?? error, path }, 'request failed outside a procedure');
    reportError(error.cause ?? error, { procedure: path ?? '(adapter)' });
  };
}
