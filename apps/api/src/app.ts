import express, { type Express, type RequestHandler } from 'express';
import cors from 'cors';
import helmet from 'helmet';
import compression from 'compression';
import { pinoHttp } from 'pino-http';
import type { Logger as PinoLogger } from 'pino';
import { createExpressMiddleware } from '@trpc/server/adapters/express';
import type { Deps } from '@popbox/domain';
import { appRouter } from './trpc/app-router.js';
import { contextFactory } from './http/trpc-context.js';
import { restHandler } from './http/rest.js';
import { buildOpenApiDocument, type PlainPaths } from './http/openapi.js';
import { docsRouter } from './http/docs.js';
import { healthRouter } from './http/health.js';
import { errorHandler, notFoundHandler } from './http/send-error.js';
import { requestIdFor } from './http/request-id.js';
import { guestAccessPaths, guestAccessRouter } from './http/guest-access-route.js';

export interface AppOptions {
  logger: PinoLogger;
  corsOrigin: string;
  /** Local media folder served at /media (embedded storage default). */
  mediaDir?: string | undefined;
  /** Plain Express routes that need the raw body (the Stripe webhook): mounted before the JSON parser. */
  rawBodyRoutes?: RequestHandler[];
  /** Other plain routes (guest access bootstrap, uploads, /dev pages), mounted beside the adapters. */
  plainRoutes?: RequestHandler[];
  /** OpenAPI documentation of the plain routes. */
  plainPaths?: PlainPaths[];
}

/**
 * The HTTP application. Order follows architecture.md: request id + logger, raw-body routes, body parsers,
 * health, tRPC, REST, plain routes, 404, central error handler.
 */
export function createApp(deps: Deps, opts: AppOptions): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', 1);

  app.use(
    pinoHttp({
      logger: opts.logger,
      genReqId: (req, res) => requestIdFor(req, res),
      customLogLevel: (_req, res, err) =>
        err || res.statusCode >= 500 ? 'error' : res.statusCode >= 400 ? 'warn' : 'info',
    }),
  );

  for (const route of opts.rawBodyRoutes ?? []) app.use(route);

  app.use(express.json({ limit: '1mb' }));
  app.use(cors({ origin: opts.corsOrigin, credentials: true }));
  app.use(helmet());
  app.use(compression({ level: 6, threshold: 1024 }));
  app.use(express.urlencoded({ extended: false, limit: '1mb' }));

  app.use(healthRouter(deps));

  const createContext = contextFactory(deps);
  app.use('/api/trpc', createExpressMiddleware({ router: appRouter, createContext }));

  const openApiDocument = buildOpenApiDocument(appRouter, [guestAccessPaths, ...(opts.plainPaths ?? [])]);
  app.get('/api/v1/openapi.json', (_req, res) => void res.json(openApiDocument));
  app.use(docsRouter('/api/v1/openapi.json'));

  app.use(guestAccessRouter(deps));
  for (const route of opts.plainRoutes ?? []) app.use(route);
  app.use('/api/v1', restHandler(appRouter, deps));

  if (opts.mediaDir) app.use('/media', express.static(opts.mediaDir, { fallthrough: true, index: false }));

  app.use(notFoundHandler);
  app.use(errorHandler(deps.logger));
  return app;
}
