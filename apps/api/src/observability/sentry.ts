import type * as SentryModule from '@sentry/node';
import type { ErrorRequestHandler } from 'express';
import { toApiError } from '../http/error-mapping.js';
import { currentRequestId } from '../logger.js';
import { sanitizeBreadcrumb, sanitizeEvent, sanitizeSpan } from './sanitize.js';

/** Error tracking (B22): Sentry, on only in production with a DSN; every payload sanitised before it leaves. */
export interface ErrorTrackingOptions {
  dsn?: string | undefined;
  release?: string | undefined;
  /** NODE_ENV. */
  environment: string;
  production: boolean;
  /** Tests: a fake transport records envelopes instead of sending them. */
  transport?: SentryModule.NodeOptions['transport'];
  tracesSampleRate?: number;
}

export type ErrorTrackingState = 'enabled' | 'off' | 'dsn-ignored-outside-production';

/** The SDK, once error tracking is on: only then is it loaded (~650 modules with its OpenTelemetry stack). */
let sentry: typeof SentryModule | undefined;

/**
 * Initialises Sentry. Call it before the HTTP stack is imported (main.ts imports app.js afterwards), so
 * the Express instrumentation can hook the router as it loads. The SDK is imported here, on demand: an API
 * without error tracking never loads it (issue 14, lean memory).
 */
export async function initErrorTracking(opts: ErrorTrackingOptions): Promise<ErrorTrackingState> {
  if (!opts.dsn) return 'off';
  if (!opts.production) return 'dsn-ignored-outside-production';
  const Sentry = await import('@sentry/node');
  Sentry.init({
    dsn: opts.dsn,
    environment: opts.environment,
    ...(opts.release ? { release: opts.release } : {}),
    tracesSampleRate: opts.tracesSampleRate ?? (opts.production ? 0.1 : 1.0),
    // No personal data by default (B22): no user/IP, cookies, bodies, query parameters of DB calls or local
    // variables. Headers and URLs are collected, then sanitised by beforeSend & co.
    dataCollection: {
      userInfo: false,
      cookies: false,
      httpBodies: [],
      databaseQueryData: false,
      queues: false,
      stackFrameVariables: false,
      genAI: { inputs: false, outputs: false },
      mcp: { inputs: false, outputs: false },
    },
    // Spans only: which errors are reported is decided once, by shouldReport, in our own handlers.
    integrations: [Sentry.expressIntegration({ shouldHandleError: false })],
    beforeSend: (event) => sanitizeEvent(event),
    // Sentry 11 streams transactions as spans (its default trace lifecycle): each span is sanitised here.
    beforeSendSpan: (span) => sanitizeSpan(span),
    beforeBreadcrumb: (breadcrumb) => sanitizeBreadcrumb(breadcrumb),
    ...(opts.transport ? { transport: opts.transport } : {}),
  });
  sentry = Sentry;
  return 'enabled';
}

/**
 * Reported automatically: errors with no recognisable HTTP status or a status >= 500 (from the domain error
 * code, or `status` / `statusCode` / `status_code` / `output.statusCode`). Expected 4xx never are — the same
 * mapping that chooses the response status decides, so what the client sees as a 5xx is what gets reported.
 */
export function shouldReport(error: unknown): boolean {
  return toApiError(error).status >= 500;
}

/** Reports an unexpected error (no-op for expected ones, or when error tracking is off). */
export function reportError(error: unknown, context: { procedure?: string } = {}): void {
  if (!sentry?.isInitialized() || !shouldReport(error)) return;
  sentry.captureException(error, { tags: tags({ procedure: context.procedure }) });
}

/** Flows whose failures are always reported explicitly, with their tag (B3, B5). */
export type MonitoredFlow = 'checkout_session_create' | 'stripe_webhook';

/**
 * Explicit capture of a failed business flow: checkout session creation after the order was committed
 * (extras: orderId, orderPublicId) and Stripe webhook processing (extras: eventId, eventType, objectId,
 * orderId, orderPublicId). Reported whatever the error's status. Undefined extras are dropped. Returns the
 * event id (undefined when error tracking is off).
 */
export function captureFlowFailure(
  flow: MonitoredFlow,
  error: unknown,
  extras: Record<string, string | number | boolean | null | undefined> = {},
): string | undefined {
  if (!sentry?.isInitialized()) return undefined;
  const extra = Object.fromEntries(Object.entries(extras).filter(([, v]) => v !== undefined));
  return sentry.captureException(error, { tags: tags({ flow }), extra });
}

/** Express error middleware placed before the central handler (B0 step 6): report, then pass on. */
export const errorReporter: ErrorRequestHandler = (err, _req, _res, next) => {
  reportError(err);
  next(err);
};

/** Sends what is queued (shutdown). */
export async function flushErrorTracking(timeoutMs = 2000): Promise<void> {
  if (sentry?.isInitialized()) await sentry.close(timeoutMs);
}

function tags(values: Record<string, string | undefined>): Record<string, string> {
  const requestId = currentRequestId();
  const all: Record<string, string | undefined> = { ...values, request_id: requestId };
  return Object.fromEntries(Object.entries(all).filter((e): e is [string, string] => e[1] !== undefined));
}
