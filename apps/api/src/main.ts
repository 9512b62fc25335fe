import { createDb, usePreparedStatements } from '@popbox/db';
import {
  devTokenVerifier,
  localStorage,
  devMailboxSender,
  resendEmailSender,
  simulatorPayments,
  stripePayments,
  supabaseStorage,
  supabaseTokenVerifier,
  systemClock,
  systemRandom,
  type Deps,
  commitKujiBoards,
  createBeacon,
  DEFAULT_CAPPED_CHECKOUT_RATE_LIMITS,
  refundPendingOverCapOrders,
  embeddedChallenge,
  turnstileChallenge,
} from '@popbox/domain';
import { ConfigError, loadConfig, type AppConfig } from './config.js';
import { createLogger } from './logger.js';
import { probeDatabase, releaseStartupMemory, shutdownGracefully } from './lifecycle.js';
import { createHttpServer } from './http-server.js';
import { flushErrorTracking, initErrorTracking } from './observability/sentry.js';
import { STRIPE_WEBHOOK_PATH } from './http/stripe-webhook-path.js';

/**
 * Composition root (B21): configuration (every problem at once) → logger → error tracking → adapters →
 * deps → database probe → HTTP server, with graceful shutdown.
 */
export async function main(): Promise<void> {
  let config: AppConfig;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(error.message);
      process.exit(1);
    }
    throw error;
  }
  const logger = createLogger({ level: config.logLevel, pretty: !config.production });
  const tracking = await initErrorTracking({
    dsn: config.sentry.dsn,
    release: config.sentry.release,
    environment: config.nodeEnv,
    production: config.production,
  });
  if (tracking === 'dsn-ignored-outside-production') {
    logger.warn('SENTRY_DSN is set but NODE_ENV is not production: error tracking stays off');
  }
  // Loaded only now, so the error tracker's Express instrumentation sees the router being loaded.
  const { createApp } = await import('./app.js');
  const { listenClient, stopLiveBoard } = await import('./live/create-live-board.js');
  const { publicReadListenClient, stopPublicReadCache } = await import('./http/public-cache/index.js');
  const database = createDb(config.databaseUrl, {
    max: 10,
    preparedStatements: usePreparedStatements(
      config.preparedStatements,
      config.databaseUrl,
      config.databaseDirectUrl,
    ),
    applicationName: 'popbox-api',
    onPoolError: (err) => logger.error({ err }, 'idle database client error'),
  });

  const storage =
    config.storage.kind === 'local'
      ? localStorage({ dir: config.storage.dir, publicBaseUrl: `${config.apiBaseUrl}/media` })
      : supabaseStorage({
          url: config.storage.url,
          secretKey: config.storage.secretKey,
          bucket: config.storage.bucket,
        });

  const payments =
    config.payments.kind === 'stripe'
      ? stripePayments(config.payments)
      : simulatorPayments({
          webhookSecret: config.payments.webhookSecret,
          publicBaseUrl: () => config.apiBaseUrl,
          // Posted to this very process over loopback, whatever public URL the API has.
          webhookUrl: () => `http://127.0.0.1:${config.port}${STRIPE_WEBHOOK_PATH}`,
          logger,
        });

  const deps: Deps = {
    db: database.db,
    beacon: createBeacon(config.beacon, systemClock),
    clock: systemClock,
    random: systemRandom,
    logger,
    storage,
    payments,
    // The API only enqueues (F7); the jobs app delivers with the same kind of sender.
    emailSender:
      config.email.kind === 'resend'
        ? resendEmailSender({ apiKey: config.email.apiKey, baseUrl: config.email.baseUrl })
        : devMailboxSender({ logger }),
    tokenVerifier:
      config.auth.kind === 'dev'
        ? devTokenVerifier(config.auth.jwtSecret)
        : supabaseTokenVerifier({ supabaseUrl: config.auth.url, jwtSecret: config.auth.jwtSecret }),
    challenge:
      config.challenge.kind === 'turnstile'
        ? turnstileChallenge({
            secretKey: config.challenge.secretKey,
            siteverifyUrl: config.challenge.siteverifyUrl,
            clock: systemClock,
            logger,
          })
        : embeddedChallenge(logger),
    config: {
      clientBaseUrl: config.clientBaseUrl,
      apiBaseUrl: config.apiBaseUrl,
      orderTokenPepper: config.orderTokenPepper,
      secureCookies: config.production,
      email: config.email,
      checkout: config.checkout,
      purchaseCaps: {
        rateLimits: config.rateLimit === false ? false : DEFAULT_CAPPED_CHECKOUT_RATE_LIMITS,
      },
    },
  };

  const app = createApp(deps, {
    logger,
    corsOrigin: config.corsOrigin,
    mediaDir: config.storage.kind === 'local' ? config.storage.dir : undefined,
    rateLimit: config.rateLimit,
    liveBoard: { connect: listenClient(config.databaseDirectUrl) },
    publicReadCache: config.publicReadCache && { connect: publicReadListenClient(config.databaseDirectUrl) },
  });

  await probeDatabase(deps);
  // Issue 12: boards on sale without a published commitment (seeded, legacy v1) get their epoch now.
  await commitKujiBoards(deps).catch((err: unknown) => logger.warn({ err }, 'kuji commitment sweep failed'));
  const server = createHttpServer(app);
  shutdownGracefully({
    server,
    logger,
    beforeClose: () => Promise.all([stopLiveBoard(app), stopPublicReadCache(app)]).then(() => undefined),
    cleanup: async () => {
      await database.close();
      await flushErrorTracking();
    },
  });
  releaseStartupMemory();
  await new Promise<void>((resolve) => server.listen(config.port, '0.0.0.0', resolve));
  // Issue 13: over-cap orders whose automatic refund a previous process did not get to (after listening: the
  // simulator reports refunds through this process's webhook).
  void refundPendingOverCapOrders(deps).then(
    (n) => n && logger.info({ refunded: n }, 'purchase-limit refunds recovered'),
    (err: unknown) => logger.warn({ err }, 'purchase-limit refund sweep failed'),
  );
  logger.info(
    { port: config.port, publicUrl: config.apiBaseUrl, errorTracking: tracking },
    `API listening on 0.0.0.0:${config.port}`,
  );
}

await main();
