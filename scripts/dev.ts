/**
 * `pnpm dev`: the whole shop on embedded defaults with no configuration at all.
 * Starts embedded PostgreSQL in .data/postgres (unless DATABASE_URL is set), migrates, seeds the demo shop
 * once, then runs the API and the jobs app as two processes and prints where everything is.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createDb, runMigrations, seedDemo } from '@popbox/db';
import { startEmbeddedPostgres } from '@popbox/db/embedded';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const dataDir = resolve(root, process.env.POPBOX_DATA_DIR ?? '.data');
const port = Number(process.env.PORT ?? 3000);
const apiUrl = process.env.PUBLIC_API_URL ?? `http://localhost:${port}`;

let stopDatabase: (() => Promise<void>) | undefined;
const children: ChildProcess[] = [];
let shuttingDown = false;

async function shutdown(code: number): Promise<never> {
  if (!shuttingDown) {
    shuttingDown = true;
    await Promise.all(
      children.map(
        (child) =>
          new Promise<void>((done) => {
            if (child.exitCode !== null || child.signalCode !== null) return done();
            child.once('exit', () => done());
            child.kill('SIGTERM');
            setTimeout(() => child.kill('SIGKILL'), 12_000).unref();
          }),
      ),
    );
    await stopDatabase?.().catch(() => undefined);
  }
  process.exit(code);
}
process.on('SIGINT', () => void shutdown(0));
process.on('SIGTERM', () => void shutdown(0));

async function main() {
  const t0 = Date.now();
  let databaseUrl = process.env.DATABASE_URL;
  if (!databaseUrl) {
    const pg = await startEmbeddedPostgres({ dataDir: join(dataDir, 'postgres') });
    databaseUrl = pg.url;
    stopDatabase = pg.stop;
    console.log(`[dev] embedded PostgreSQL ready (${databaseUrl})`);
  }
  await runMigrations(databaseUrl);
  const storageDir = join(dataDir, 'storage');
  const database = createDb(databaseUrl, { max: 2 });
  try {
    const seeded = await seedDemo(database.db, { storageDir });
    console.log(seeded ? '[dev] demo shop seeded' : '[dev] demo data already present');
  } finally {
    await database.close();
  }
  await mkdir(dataDir, { recursive: true });
  await writeFile(join(dataDir, 'dev.json'), JSON.stringify({ databaseUrl, apiUrl }, null, 2));

  const env = {
    ...process.env,
    DATABASE_URL: databaseUrl,
    PORT: String(port),
    STORAGE_DIR: process.env.STORAGE_DIR ?? storageDir,
  };
  const run = (name: string, entry: string) => {
    const child = spawn(process.execPath, ['--conditions=development', '--import', 'tsx', entry], {
      cwd: root,
      env,
      // The IPC channel closes when this launcher dies, even by SIGKILL: the apps then shut themselves down.
      stdio: ['inherit', 'inherit', 'inherit', 'ipc'],
    });
    child.on('exit', (code, signal) => {
      if (shuttingDown) return;
      console.error(`[dev] ${name} exited (${signal ?? code}); stopping`);
      void shutdown(code ?? 1);
    });
    children.push(child);
  };
  run('api', 'apps/api/src/main.ts');
  run('jobs', 'apps/jobs/src/main.ts');

  for (let i = 0; i < 600; i++) {
    try {
      if ((await fetch(`${apiUrl}/ready`)).ok) break;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  console.log(`
PopBox Studio is running (ready in ${((Date.now() - t0) / 1000).toFixed(1)} s)
  API            ${apiUrl}
  REST           ${apiUrl}/api/v1        (OpenAPI: ${apiUrl}/api/v1/openapi.json)
  API reference  ${apiUrl}/docs
  tRPC           ${apiUrl}/api/trpc
  Dev mailbox    ${apiUrl}/dev/mailbox
  Health         ${apiUrl}/health  ${apiUrl}/ready
  Admin token    ./shop admin:token   (then: Authorization: Bearer <token>)
Press Ctrl+C to stop.
`);
}

main().catch(async (error: unknown) => {
  console.error('[dev] failed to start:', error);
  await shutdown(1);
});
