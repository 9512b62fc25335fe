import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createTestDatabase, type TestDatabase } from '@popbox/db/testing';

const root = resolve(import.meta.dirname, '../../../..');
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

async function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const srv = createServer();
    srv.once('error', fail);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => done(port));
    });
  });
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
  const child = spawn(
    process.execPath,
    ['--conditions=development', '--import', 'tsx', 'apps/api/src/main.ts'],
    {
      cwd: root,
      env: {
        PATH: process.env.PATH ?? '',
        HOME: process.env.HOME ?? '',
        DATABASE_URL: database.url,
        PORT: String(port),
        STORAGE_DIR: storageDir,
        DEV_JWT_SECRET: PROCESS_JWT_SECRET,
        RATE_LIMITS: 'off',
        LOG_LEVEL: 'warn',
        ...env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let output = '';
  child.stdout?.on('data', (d) => (output += d));
  child.stderr?.on('data', (d) => (output += d));
  const exited = new Promise<void>((done) => child.once('exit', () => done()));
  const alive = () => child.exitCode === null && child.signalCode === null;
  const url = `http://127.0.0.1:${port}`;
  const proc: ApiProcess = {
    url,
    database,
    child,
    output: () => output,
    alive,
    async stop() {
      if (alive()) {
        child.kill('SIGTERM');
        await exited;
      }
      await database.close();
      await rm(storageDir, { recursive: true, force: true });
    },
  };
  for (let i = 0; i < 600; i++) {
    if (!alive()) break;
    try {
      if ((await fetch(`${url}/health`)).ok) return proc;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  await proc.stop();
  throw new Error(`the API process never answered /health:\n${output}`);
}
