import { createServer } from 'node:http';
import { createDb } from '@popbox/db';
import {
  devMailboxSender,
  devTokenVerifier,
  localStorage,
  resendEmailSender,
  simulatorPayments,
  stripePayments,
  supabaseStorage,
  supabaseTokenVerifier,
  systemClock,
  systemRandom,
  type Deps,
} from '@popbox/domain';
import { createApp } from './app.js';
import { uploadPaths, uploadRoutes } from './http/uploads.js';
import { ConfigError, loadConfig, type AppConfig } from './config.js';
import { createLogger } from './logger.js';
import { devMailboxPaths, devMailboxRouter } from './http/dev-mailbox.js';
import { paymentRoutes } from './http/payment-routes.js';
import { STRIPE_WEBHOOK_PATH } from './http/stripe-webhook.js';

/** Composition root: configuration → adapters → deps → HTTP server, with graceful shutdown (B21). */
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
  const database = createDb(config.databaseUrl, { max: 10, applicationName: 'popbox-api' });

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
    config: {
      clientBaseUrl: config.clientBaseUrl,
      apiBaseUrl: config.apiBaseUrl,
      orderTokenPepper: config.orderTokenPepper,
      secureCookies: config.production,
      email: config.email,
      checkout: config.checkout,
    },
  };

  const payment = paymentRoutes(deps);
  const app = createApp(deps, {
    logger,
    corsOrigin: config.corsOrigin,
    mediaDir: config.storage.kind === 'local' ? config.storage.dir : undefined,
    rawBodyRoutes: payment.rawBodyRoutes,
    plainRoutes: [
      uploadRoutes(deps),
      ...payment.plainRoutes,
      ...(config.email.kind === 'dev-mailbox' ? [devMailboxRouter(deps)] : []),
    ],
    plainPaths: [
      uploadPaths,
      ...payment.plainPaths,
      ...(config.email.kind === 'dev-mailbox' ? [devMailboxPaths] : []),
    ],
  });

  const server = createServer(app);
  server.requestTimeout = 30_000;
  server.headersTimeout = 35_000;
  server.keepAliveTimeout = 5_000;
  await new Promise<void>((resolve) => server.listen(config.port, '0.0.0.0', resolve));
  logger.info({ port: config.port }, `API listening on ${config.apiBaseUrl}`);

  let stopping = false;
  const shutdown = (signal: string, code: number) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down');
    setTimeout(() => process.exit(1), 10_000).unref();
    server.close(() => {
      void database.close().finally(() => process.exit(code));
    });
    server.closeIdleConnections();
  };
  process.on('SIGTERM', () => shutdown('SIGTERM', 0));
  process.on('SIGINT', () => shutdown('SIGINT', 0));
  // Started by the dev launcher: stop when it goes away, even if it was killed hard.
  if (process.send) process.on('disconnect', () => shutdown('launcher exited', 0));
  process.on('uncaughtException', (err) => {
    logger.fatal({ err }, 'uncaught exception');
    shutdown('uncaughtException', 1);
  });
  process.on('unhandledRejection', (err) => {
    logger.fatal({ err }, 'unhandled rejection');
    shutdown('unhandledRejection', 1);
  });
}

await main();
