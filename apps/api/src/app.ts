import express, { type Express, type RequestHandler } from 'express';
import cors from 'cors';
import helmet from 'helmet';
import compression from 'compression';
import type { Logger as PinoLogger } from 'pino';
import { createExpressMiddleware } from '@trpc/server/adapters/express';
import type { Deps } from '@popbox/domain';
import { appRouter } from './trpc/app-router.js';
import { contextFactory } from './http/trpc-context.js';
import { restHandler } from './http/rest.js';
import { buildOpenApiDocument, type PlainPaths } from './http/openapi.js';
import { docsPaths, docsRouter } from './http/docs.js';
import { kujiVerifyPaths, kujiVerifyRouter } from './http/kuji-verify/page.js';
import { healthRouter } from './http/health.js';
import { mediaPaths, mediaRouter } from './http/media.js';
import { errorHandler, notFoundHandler } from './http/send-error.js';
import { inputGuard } from './http/input-guard.js';
import { providerRoutes } from './http/provider-routes.js';
import { createRateLimiters, type RateLimitSettings } from './http/rate-limit.js';
import { canonicalPathOnly } from './http/canonical-path.js';
import { MAX_TRPC_BATCH, trpcBatchLimit } from './http/trpc-calls.js';
import { PUBLIC_READ_GATE, ReadGate, type ReadGateSettings } from './trpc/read-gate.js';
import { logUnhandledAdapterError } from './trpc/unreported-errors.js';
import { requestLogScope, requestLogger } from './logger.js';
import { errorReporter } from './observability/sentry.js';
import { attachLiveBoard, createLiveBoard, type LiveBoardOptions } from './live/create-live-board.js';
import { kujiLivePaths, kujiLiveRouter } from './live/kuji-live-route.js';
import { alertLinkPaths, alertLinksRouter } from './http/alert-links.js';
import {
  attachPublicReadCache,
  createPublicReadCache,
  privateByDefault,
  PublicReadCatalog,
  publicReadLayer,
  type PublicReadCacheOptions,
} from './http/public-cache/index.js';
import { apiIndexPaths, apiIndexRouter } from './http/api-index.js';

export interface AppOptions {
  logger: PinoLogger;
  corsOrigin: string;
  /** Local media folder served at /media (embedded storage default). */
  mediaDir?: string | undefined;
  /** Extra plain routes needing the raw body (tests); the provider routes are always mounted. */
  rawBodyRoutes?: RequestHandler[];
  /** Extra plain routes (tests), mounted beside the provider routes. */
  plainRoutes?: RequestHandler[];
  /** OpenAPI documentation of extra plain routes. */
  plainPaths?: PlainPaths[];
  /** Rate limits (security rule 10); `false` turns them off (tests that do not exercise them). */
  rateLimit?: RateLimitSettings | false;
  /** The fair queue of anonymous public reads (default PUBLIC_READ_GATE); `false` turns it off. */
  publicReads?: ReadGateSettings | false;
  /** The live kuji board (SSE + tRPC subscription): limits, heartbeat, LISTEN connection (tests). */
  liveBoard?: LiveBoardOptions;
  /**
   * Issue 14: the in-process cache of anonymous public reads (its own LISTEN connection; stop it with
   * `stopPublicReadCache(app)`). Off unless given (main turns it on from PUBLIC_READ_CACHE, default on);
   * HTTP caching (ETag, 304, Cache-Control) applies either way.
   */
  publicReadCache?: PublicReadCacheOptions | false;
}

/**
 * The HTTP application (B0). Order: request id + logger; security headers, CORS, compression (so every
 * answer — 429s and body-parser errors included — carries them); non-canonical paths refused (400); health
 * probes (never rate-limited, F11); oversized tRPC batches refused (400, counted nowhere); the webhook limit
 * and raw-body routes (before any body parser); the global and per-operation limits (before the body is
 * read, so a limited client costs nothing); body parsers (1 MB) and the input guard (depth, prototype keys,
 * NUL — before any route or authentication); the public-read layer (issue 14: shared cache, ETag/304,
 * Cache-Control; every other API answer is `private, no-store`); tRPC (anonymous reads through the read gate),
 * OpenAPI, plain routes (the live kuji board's event stream among them), the API index (`GET /api/v1`, no
 * database: the bench's reference route) and REST; 404; error reporting (Sentry); the central error handler.
 */
export function createApp(deps: Deps, opts: AppOptions): Express {
  const app = express();
  app.disable('x-powered-by');
  // One proxy hop (load balancer / platform router): req.ip, the rate-limit key, comes from X-Forwarded-For.
  app.set('trust proxy', 1);

  app.use(requestLogger(opts.logger));
  app.use(helmet());
  app.use(cors({ origin: opts.corsOrigin, credentials: true }));
  app.use(compression({ level: 6, threshold: 1024 }));
  app.use(privateByDefault);
  // Before anything matches a route: every later layer then reads the path the adapters dispatch on.
  app.use(canonicalPathOnly);

  app.use(healthRouter(deps));
  app.use(trpcBatchLimit);

  const limits =
    opts.rateLimit === false ? undefined : createRateLimiters(opts.rateLimit ?? { store: 'postgres' }, deps);
  const provider = providerRoutes(deps);
  if (limits) app.use(limits.webhook);
  for (const route of [...provider.rawBodyRoutes, ...(opts.rawBodyRoutes ?? [])]) app.use(route);
  if (limits) app.use(limits.global, limits.checkout, limits.contact, limits.alerts);

  app.use(express.json({ limit: '1mb' }));
  app.use(express.urlencoded({ extended: false, limit: '1mb' }));
  app.use(requestLogScope);
  app.use(inputGuard);

  const readGate =
    opts.publicReads === false ? undefined : new ReadGate(opts.publicReads ?? PUBLIC_READ_GATE);
  // Issue 12: one LISTEN hub per process; stop it with `stopLiveBoard(app)` before closing the server.
  const live = createLiveBoard(deps, opts.liveBoard);
  attachLiveBoard(app, live);
  const createContext = contextFactory(deps, readGate, live);
  // Issue 14: anonymous public reads answered from the shared cache before any adapter runs.
  const publicCache = opts.publicReadCache ? createPublicReadCache(deps, opts.publicReadCache) : undefined;
  attachPublicReadCache(app, publicCache);
  app.use(publicReadLayer(new PublicReadCatalog(appRouter), publicCache));
  app.use(
    '/api/trpc',
    createExpressMiddleware({
      router: appRouter,
      createContext,
      maxBatchSize: MAX_TRPC_BATCH,
      onError: logUnhandledAdapterError(deps.logger),
    }),
  );

  // Built at startup (a broken document fails the start, not a request), kept only as its JSON text: one
  // string instead of a large object graph, and no serialisation per request.
  const openApiJson = JSON.stringify(
    buildOpenApiDocument(appRouter, [
      ...provider.plainPaths,
      kujiLivePaths,
      alertLinkPaths,
      kujiVerifyPaths,
      docsPaths,
      apiIndexPaths,
      ...(opts.mediaDir ? [mediaPaths] : []),
      ...(opts.plainPaths ?? []),
    ]),
  );
  app.get('/api/v1/openapi.json', (_req, res) => void res.type('json').send(openApiJson));
  app.use(docsRouter('/api/v1/openapi.json'));
  // The pages the API serves (reference, mailbox, verify page) have no icon: answer a browser's automatic
  // request with "nothing" rather than a 404 that shows up as a console error on every page.
  app.get(
    '/favicon.ico',
    (_req, res) => void res.setHeader('Cache-Control', 'public, max-age=86400').status(204).end(),
  );
  app.use(kujiVerifyRouter(deps));
  app.use(alertLinksRouter(deps));

  for (const route of [...provider.plainRoutes, ...(opts.plainRoutes ?? [])]) app.use(route);
  app.use(kujiLiveRouter(live));
  app.use(apiIndexRouter());
  app.use('/api/v1', restHandler(appRouter, deps, readGate));

  if (opts.mediaDir) app.use('/media', mediaRouter(opts.mediaDir));

  app.use(notFoundHandler);
  app.use(errorReporter);
  app.use(errorHandler(deps.logger));
  return app;
}
