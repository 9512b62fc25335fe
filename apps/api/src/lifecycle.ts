import type { Server } from 'node:http';
import { checkDatabaseReadiness, type Deps, type Logger } from '@popbox/domain';

const PROBE_TIMEOUT_MS = 10_000;
const FORCED_EXIT_MS = 10_000;

/**
 * Startup probe (B21): `select 1` within 10 s and the migration status. A failure is logged, never fatal:
 * the API still serves (health answers, /ready reports 503 until the database is back).
 */
export async function probeDatabase(
  deps: Pick<Deps, 'db' | 'logger'>,
  timeoutMs = PROBE_TIMEOUT_MS,
): Promise<boolean> {
  const { logger } = deps;
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
  });
  try {
    const t0 = performance.now();
    const migrations = await Promise.race([checkDatabaseReadiness(deps), timeout]);
    const durationMs = Math.round(performance.now() - t0);
    if (migrations.atHead) logger.info({ durationMs }, 'database reachable, migrations at head');
    else logger.warn({ migrations }, 'database reachable but migrations are not at head: /ready answers 503');
    return true;
  } catch (err) {
    logger.error({ err }, 'database probe failed: serving anyway, /ready answers 503 until it recovers');
    return false;
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Graceful shutdown (B21): on SIGINT/SIGTERM (exit 0) or an uncaught exception / unhandled rejection
 * (exit 1), stop accepting connections, let in-flight requests finish, then run `cleanup` (pools, error
 * tracking). Anything still running after 10 s is cut off with exit 1.
 */
export function shutdownGracefully(opts: {
  server: Server;
  logger: Logger;
  cleanup: () => Promise<void>;
  /** Runs first: ends open-ended answers (live event streams) that would keep `server.close()` waiting. */
  beforeClose?: () => Promise<void>;
  forcedExitMs?: number;
}): (reason: string, code: number) => void {
  const { server, logger } = opts;
  let stopping = false;
  const shutdown = (reason: string, code: number) => {
    if (stopping) return;
    stopping = true;
    logger.info({ reason }, 'shutting down');
    setTimeout(() => {
      logger.error({ reason }, 'shutdown took too long: forcing exit');
      process.exit(1);
    }, opts.forcedExitMs ?? FORCED_EXIT_MS).unref();
    const close = () => {
      server.close(() => {
        opts
          .cleanup()
          .catch((err: unknown) => logger.error({ err }, 'shutdown cleanup failed'))
          .finally(() => process.exit(code));
      });
      server.closeIdleConnections();
    };
    if (!opts.beforeClose) return close();
    opts
      .beforeClose()
      .catch((err: unknown) => logger.error({ err }, 'shutdown: closing streams failed'))
      .finally(close);
  };
  process.on('SIGTERM', () => shutdown('SIGTERM', 0));
  process.on('SIGINT', () => shutdown('SIGINT', 0));
  // Started by the dev launcher: stop when it goes away, even if it was killed hard.
  if (process.send) process.on('disconnect', () => shutdown('launcher exited', 0));
  process.on('uncaughtException', (err) => {
    logger.error({ err }, 'uncaught exception');
    shutdown('uncaughtException', 1);
  });
  process.on('unhandledRejection', (err) => {
    logger.error({ err }, 'unhandled rejection');
    shutdown('unhandledRejection', 1);
  });
  return shutdown;
}

/**
 * Issue 14 (lean memory): loading the API's ~1,000 modules churns through ~140 MB of short-lived heap, and V8
 * keeps the freed pages pooled (~50 MB of RSS) for as long as the process idles; its memory reducer never
 * runs while nothing allocates. One last-resort collection once startup is done, before the first request,
 * hands them back to the system. Needs `--expose-gc` (scripts/api-node-flags.mjs, the Dockerfile's CMD);
 * without it (development under tsx, tests) this does nothing.
 */
export function releaseStartupMemory(): void {
  globalThis.gc?.({ type: 'major', execution: 'sync', flavor: 'last-resort' });
}
