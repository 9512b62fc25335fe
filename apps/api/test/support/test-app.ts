import type { Server } from 'node:http';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { pino } from 'pino';
import { countingDb, createTestDatabase, type CountingDb, type TestDatabase } from '@popbox/db/testing';
import {
  devMailboxSender,
  devTokenVerifier,
  embeddedChallenge,
  localStorage,
  signDevToken,
  simulatorPayments,
  systemClock,
  systemRandom,
  type Clock,
  type Deps,
} from '@popbox/domain';
import { testBeacon } from '@popbox/domain/testing';
import { createApp, type AppOptions } from '../../src/app.js';
import { liveBoardOf, stopLiveBoard } from '../../src/live/create-live-board.js';
import { publicReadCacheOf, stopPublicReadCache } from '../../src/http/public-cache/index.js';
import type { PublicReadCache } from '../../src/http/public-cache/public-read-cache.js';
import type { LiveBoard } from '../../src/live/live-board.js';
import { createHttpServer, SERVER_TIMEOUTS, type ServerTimeouts } from '../../src/http-server.js';
import { appRouter } from '../../src/trpc/app-router.js';
import { createCallerFactory } from '../../src/trpc/init.js';
import { createContextInner, type Actor } from '../../src/trpc/context.js';

const createCaller = createCallerFactory(appRouter);
type Caller = ReturnType<typeof createCaller>;

export const TEST_JWT_SECRET = 'test-jwt-secret-of-sufficient-length';
export const TEST_WEBHOOK_SECRET = 'whsec_test_popbox_webhook_secret';

export interface TestApp {
  url: string;
  deps: Deps;
  database: TestDatabase;
  storageDir: string;
  /** Present with `countQueries`: every statement the app sends goes through this counter. */
  queries?: CountingDb;
  /** The app's live kuji board (hub and stream limits). */
  live: LiveBoard;
  /** The shared public read cache, when the test turned it on (`app: { publicReadCache: {} }`). */
  publicCache?: PublicReadCache;
  /** A tRPC caller with the given actor (no HTTP). */
  caller(actor?: Actor): Caller;
  adminToken(subject?: string): Promise<string>;
  close(): Promise<void>;
}

/** A real server on 127.0.0.1 over a fresh, migrated database of its own. */
export async function startTestApp(
  opts: {
    clock?: Clock;
    deps?: Partial<Deps>;
    app?: Partial<AppOptions>;
    countQueries?: boolean;
    /** The production server's timeouts unless given (short ones for slow-client tests). */
    timeouts?: ServerTimeouts;
    /** The app's pool (default 20 connections, 5 s wait). */
    pool?: { max?: number; connectionTimeoutMillis?: number };
  } = {},
): Promise<TestApp> {
  const database = await createTestDatabase(opts.pool);
  const queries = opts.countQueries ? countingDb(database.pool) : undefined;
  const storageDir = await mkdtemp(join(tmpdir(), 'popbox-storage-'));
  const logger = pino({ level: process.env.TEST_LOG_LEVEL ?? 'silent' });

  const base = { url: '' };
  const deps: Deps = {
    db: queries?.db ?? database.db,
    clock: opts.clock ?? systemClock,
    random: systemRandom,
    logger,
    storage: localStorage({ dir: storageDir, publicBaseUrl: 'http://media.test/media' }),
    // The embedded default; tests of the Stripe adapter pass `deps.payments` (fake Stripe server).
    payments: simulatorPayments({
      webhookSecret: TEST_WEBHOOK_SECRET,
      publicBaseUrl: () => base.url,
      webhookUrl: () => `${base.url}/api/v1/webhooks/stripe`,
      logger,
      asyncDelayMs: 50,
    }),
    emailSender: devMailboxSender({ logger }),
    beacon: testBeacon(opts.clock ?? systemClock),
    tokenVerifier: devTokenVerifier(TEST_JWT_SECRET),
    challenge: embeddedChallenge(),
    config: {
      clientBaseUrl: 'http://shop.test',
      apiBaseUrl: 'http://api.test',
      orderTokenPepper: 'test-pepper-test-pepper-test-pepper',
      secureCookies: false,
      email: {
        from: 'shop@popbox.test',
        orderNotificationTo: 'orders@popbox.test',
        contactTo: 'hello@popbox.test',
      },
      checkout: {
        successUrl: 'http://shop.test/success?session_id={CHECKOUT_SESSION_ID}',
        cancelUrl: 'http://shop.test/cart',
      },
      // Off like the HTTP limits below; the caps tests turn them on.
      purchaseCaps: { rateLimits: false },
    },
    ...opts.deps,
  };
  const app = createApp(deps, {
    logger,
    corsOrigin: 'http://shop.test',
    mediaDir: storageDir,
    // Off unless a test exercises them: suites send far more requests from 127.0.0.1 than a shopper would.
    rateLimit: false,
    // Off like the limits: the suite's read-after-write tests stay exact; the cache tests turn it on.
    publicReadCache: false,
    ...opts.app,
  });
  const server: Server = createHttpServer(app, opts.timeouts ?? SERVER_TIMEOUTS);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url: base.url,
    deps,
    database,
    storageDir,
    live: liveBoardOf(app)!,
    ...(publicReadCacheOf(app) ? { publicCache: publicReadCacheOf(app)! } : {}),
    ...(queries ? { queries } : {}),
    caller: (actor) => createCaller(createContextInner(deps, actor ? { actor } : {})),
    adminToken: (subject = '00000000-0000-4000-8000-00000000a001') =>
      signDevToken({ secret: TEST_JWT_SECRET, subject }),
    async close() {
      await stopLiveBoard(app);
      await stopPublicReadCache(app);
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeIdleConnections();
      });
      await database.close();
      await rm(storageDir, { recursive: true, force: true });
    },
  };
}
