import { pino } from 'pino';
import { createDb, usePreparedStatements } from '@popbox/db';
import {
  commitKujiBoards,
  createBeacon,
  devMailboxSender,
  resendEmailSender,
  simulatorSessionCloser,
  stripePayments,
  systemClock,
  systemRandom,
} from '@popbox/domain';
import { loadJobsConfig, type JobsConfig } from './config.js';
import { jobDefinitions } from './registry.js';
import { startWorker, type Worker } from './worker.js';

/** Secrets never written to logs (B22), as in the API. */
const REDACT_PATHS = ['password', 'token', 'accessToken', 'refreshToken', 'apiKey', 'secret'].flatMap((f) => [
  f,
  `*.${f}`,
]);
const FORCED_EXIT_MS = 15_000;

/**
 * Composition root of the jobs process: no HTTP surface. Shutdown: on SIGTERM/SIGINT (exit 0) or an
 * uncaught exception / unhandled rejection (exit 1), pg-boss stops gracefully (running jobs may finish, up
 * to its timeout), then the pool closes; anything still running after 15 s is cut off with exit 1.
 */
async function main(): Promise<void> {
  let config: JobsConfig;
  try {
    config = loadJobsConfig();
  } catch (error) {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  }
  const logger = pino({
    level: config.logLevel,
    base: { app: 'jobs' },
    timestamp: pino.stdTimeFunctions.isoTime,
    redact: { paths: REDACT_PATHS, censor: '[REDACTED]' },
    ...(config.production
      ? {}
      : { transport: { target: 'pino-pretty', options: { colorize: true, ignore: 'pid,hostname' } } }),
  });
  const database = createDb(config.databaseUrl, {
    max: 5,
    preparedStatements: usePreparedStatements(
      config.preparedStatements,
      config.databaseUrl,
      config.directDatabaseUrl,
    ),
    applicationName: 'popbox-jobs',
    onPoolError: (err) => logger.error({ err }, 'idle database client error'),
  });
  const emailSender =
    config.email.kind === 'resend'
      ? resendEmailSender({ apiKey: config.email.apiKey, baseUrl: config.email.baseUrl })
      : devMailboxSender({ logger });
  // Without a Stripe key the payments provider is the API's in-memory simulator: sessions are closed there.
  const payments =
    config.payments.kind === 'stripe'
      ? stripePayments({ secretKey: config.payments.secretKey, apiBase: config.payments.apiBase })
      : simulatorSessionCloser({ apiBaseUrl: config.payments.apiBaseUrl });
  const beacon = createBeacon(config.kuji.beacon, systemClock);
  const deps = {
    db: database.db,
    clock: systemClock,
    random: systemRandom,
    logger,
    emailSender,
    payments,
    beacon,
  };

  // Set once pg-boss is up; a signal during startup then only closes the pool.
  const running: { worker?: Worker } = {};
  let stopping = false;
  const shutdown = async (reason: string, code: number) => {
    if (stopping) return;
    stopping = true;
    logger.info({ reason }, 'stopping jobs');
    setTimeout(() => {
      logger.error({ reason }, 'shutdown took too long: forcing exit');
      process.exit(1);
    }, FORCED_EXIT_MS).unref();
    await running.worker?.stop().catch((err: unknown) => logger.error({ err }, 'pg-boss stop failed'));
    await database.close().catch((err: unknown) => logger.error({ err }, 'pool close failed'));
    process.exit(code);
  };
  process.on('SIGTERM', () => void shutdown('SIGTERM', 0));
  process.on('SIGINT', () => void shutdown('SIGINT', 0));
  // Started by the dev launcher: stop when it goes away, even if it was killed hard.
  if (process.send) process.on('disconnect', () => void shutdown('launcher exited', 0));
  process.on('uncaughtException', (err) => {
    logger.error({ err }, 'uncaught exception');
    void shutdown('uncaughtException', 1);
  });
  process.on('unhandledRejection', (err) => {
    logger.error({ err }, 'unhandled rejection');
    void shutdown('unhandledRejection', 1);
  });

  // Issue 12: boards on sale without a published commitment (seeded, legacy v1) get their epoch now.
  await commitKujiBoards(deps).catch((err: unknown) => logger.warn({ err }, 'kuji commitment sweep failed'));
  running.worker = await startWorker({
    connectionString: config.directDatabaseUrl,
    deps,
    jobs: jobDefinitions(config),
    kujiDealIntervalMs: config.kuji.dealIntervalMs,
  });
  logger.info(
    {
      email: config.email.kind,
      payments: config.payments.kind,
      beacon: beacon.kind,
      chain: beacon.chain().hash,
    },
    'jobs worker started',
  );
}

await main();
