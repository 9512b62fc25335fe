import { createServer } from 'node:http';
import { createDb } from '@popbox/db';
import {
  devTokenVerifier,
  localStorage,
  notWiredEmailSender,
  notWiredPayments,
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

  const deps: Deps = {
    db: database.db,
    clock: systemClock,
    random: systemRandom,
    logger,
    storage,
    payments: notWiredPayments,
    emailSender: notWiredEmailSender,
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

  const app = createApp(deps, {
    logger,
    corsOrigin: config.corsOrigin,
    mediaDir: config.storage.kind === 'local' ? config.storage.dir : undefined,
    plainRoutes: [uploadRoutes(deps)],
    plainPaths: [uploadPaths],
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
