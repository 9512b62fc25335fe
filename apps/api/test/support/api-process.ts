import type { ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTestDatabase, type TestDatabase } from '@popbox/db/testing';
import { freePort, startAppProcess, waitForReady } from './processes.js';

export const PROCESS_JWT_SECRET = 'api-process-test-jwt-secret-of-sufficient-length';

export interface ApiProcess {
  url: string;
  database: TestDatabase;
  child: ChildProcess;
  /** Everything the process printed so far (stdout and stderr). */
  output(): string;
  /** Still running (no exit, no signal). */
  alive(): boolean;
  stop(): Promise<void>;
}

/**
 * The real API process (`src/main.ts` through tsx, as `pnpm dev` runs it) over a fresh migrated database of
 * its own, with the embedded defaults (local storage, simulator, dev auth). For tests about what must never
 * take the process down: an uncaught exception there exits it, which an in-process server would hide.
 */
export async function startApiProcess(env: Record<string, string> = {}): Promise<ApiProcess> {
  const database = await createTestDatabase({ max: 2 });
  const storageDir = await mkdtemp(join(tmpdir(), 'popbox-proc-storage-'));
  const port = await freePort();
  const proc = startAppProcess('api', 'api', {
    DATABASE_URL: database.url,
    PORT: String(port),
    STORAGE_DIR: storageDir,
    DEV_JWT_SECRET: PROCESS_JWT_SECRET,
    RATE_LIMITS: 'off',
    LOG_LEVEL: 'warn',
    ...env,
  });
  const { child } = proc;
  const alive = () => child.exitCode === null && child.signalCode === null;
  const url = `http://127.0.0.1:${port}`;
  const api: ApiProcess = {
    url,
    database,
    child,
    output: proc.output,
    alive,
    async stop() {
      await proc.stop();
      await database.close();
      await rm(storageDir, { recursive: true, force: true });
    },
  };
  try {
    await waitForReady(url, proc);
    return api;
  } catch (error) {
    await api.stop();
    throw error;
  }
}
