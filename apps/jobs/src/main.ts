import { pino } from 'pino';
import { createDb } from '@popbox/db';
import { devMailboxSender, resendEmailSender, systemClock, systemRandom } from '@popbox/domain';
import { loadJobsConfig } from './config.js';
import { jobDefinitions } from './registry.js';
import { startWorker } from './worker.js';

/** Composition root of the jobs process: no HTTP surface, graceful shutdown on SIGTERM/SIGINT. */
async function main(): Promise<void> {
  const config = loadJobsConfig();
  const logger = pino({
    level: config.logLevel,
    base: { app: 'jobs' },
    ...(config.production
      ? {}
      : { transport: { target: 'pino-pretty', options: { colorize: true, ignore: 'pid,hostname' } } }),
  });
  const database = createDb(config.databaseUrl, { max: 5, applicationName: 'popbox-jobs' });
  const emailSender =
    config.email.kind === 'resend'
      ? resendEmailSender({ apiKey: config.email.apiKey, baseUrl: config.email.baseUrl })
      : devMailboxSender({ logger });
  const deps = { db: database.db, clock: systemClock, random: systemRandom, logger, emailSender };
  const worker = await startWorker({
    connectionString: config.directDatabaseUrl,
    deps,
    jobs: jobDefinitions(config),
  });
  logger.info({ email: config.email.kind }, 'jobs worker started');

  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'stopping jobs');
    setTimeout(() => process.exit(1), 15_000).unref();
    await worker.stop().catch((err: unknown) => logger.error({ err }, 'pg-boss stop failed'));
    await database.close();
    process.exit(0);
  };
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  process.on('SIGINT', () => void shutdown('SIGINT'));
  // Started by the dev launcher: stop when it goes away, even if it was killed hard.
  if (process.send) process.on('disconnect', () => void shutdown('launcher exited'));
}

await main();
