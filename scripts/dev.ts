/**
 * `pnpm dev`: the whole shop on embedded defaults with no configuration at all.
 * Starts embedded PostgreSQL in .data/postgres (unless DATABASE_URL is set), migrates, seeds the demo shop
 * once, then runs the API and the jobs app as two processes and prints where everything is.
 *
 * Stopping (issue 15): scripts/dev.mjs runs this launcher in a process group of its own, so Ctrl+C reaches
 * only the launcher (as SIGTERM), never the database directly. It stops the API and the jobs worker first,
 * then the embedded database, and prints one "stopped" line. What the apps print while they stop is held
 * back, and shown only if one of them stops badly (non-zero exit, killed after the grace period).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startEmbeddedPostgres } from '@popbox/db/embedded';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const dataDir = resolve(root, process.env.POPBOX_DATA_DIR ?? '.data');
const port = Number(process.env.PORT ?? 3000);
const apiUrl = process.env.PUBLIC_API_URL ?? `http://localhost:${port}`;

let stopDatabase: (() => Promise<void>) | undefined;
const children: ChildProcess[] = [];
let shuttingDown = false;
/** The apps' output once stopping began: printed only when a stop goes wrong. */
const heldOutput: string[] = [];

async function shutdown(code: number): Promise<never> {
  if (!shuttingDown) {
    shuttingDown = true;
    const t0 = Date.now();
    // Apps first: they still need the database to finish their work and close their pools.
    const clean = await Promise.all(
      children.map(
        (child) =>
          new Promise<boolean>((done) => {
            if (child.exitCode !== null || child.signalCode !== null) return done(child.exitCode === 0);
            child.once('exit', (exitCode) => done(exitCode === 0));
            child.kill('SIGTERM');
            setTimeout(() => child.kill('SIGKILL'), 12_000).unref();
          }),
      ),
    );
    let databaseStopped = true;
    await stopDatabase?.().catch(() => (databaseStopped = false));
    const calm = clean.every(Boolean) && databaseStopped;
    if (!calm) {
      process.stderr.write(heldOutput.join(''));
      if (!databaseStopped) console.error('[dev] the embedded database did not stop in time');
      code = code || 1;
    }
    const seconds = ((Date.now() - t0) / 1000).toFixed(1);
    console.log(
      calm ? `PopBox Studio stopped (${seconds} s).` : `PopBox Studio stopped with errors (${seconds} s).`,
    );
  }
  process.exit(code);
}
process.on('SIGINT', () => void shutdown(0));
process.on('SIGTERM', () => void shutdown(0));
// Started by scripts/dev.mjs: stop when it goes away, even if it was killed hard.
if (process.send) process.on('disconnect', () => void shutdown(0));

/** Seconds between two `performance.now()` marks (0 = the launcher process's start, its TypeScript load included). */
const secs = (from: number, to = performance.now()) => ((to - from) / 1000).toFixed(1);

async function main() {
  // The database package (schema, drizzle, seed data: hundreds of modules, ~1.5 s of CPU) loads while the
  // embedded server boots in its own process, instead of before it.
  const dbModule = import('@popbox/db');
  dbModule.catch(() => undefined); // a load error surfaces where it is awaited
  let databaseUrl = process.env.DATABASE_URL;
  if (!databaseUrl) {
    const pg = await startEmbeddedPostgres({ dataDir: join(dataDir, 'postgres') });
    databaseUrl = pg.url;
    stopDatabase = pg.stop;
    console.log(`[dev] embedded PostgreSQL ready (${databaseUrl})`);
  }
  const { createDb, runMigrations, seedDemo } = await dbModule;
  const tDatabase = performance.now();
  await runMigrations(databaseUrl);
  const storageDir = join(dataDir, 'storage');
  const database = createDb(databaseUrl, { max: 2 });
  try {
    const seed = await seedDemo(database.db, { storageDir });
    if (seed.seeded) console.log(`[dev] demo shop seeded (${seed.products} products)`);
  } finally {
    await database.close();
  }
  await mkdir(dataDir, { recursive: true });
  await writeFile(join(dataDir, 'dev.json'), JSON.stringify({ databaseUrl, apiUrl }, null, 2));

  const env = {
    // The apps' output is relayed through pipes: keep pino-pretty's colours when the terminal has them.
    ...(process.stdout.isTTY && !process.env.NO_COLOR ? { FORCE_COLOR: '1' } : {}),
    ...process.env,
    DATABASE_URL: databaseUrl,
    PORT: String(port),
    STORAGE_DIR: process.env.STORAGE_DIR ?? storageDir,
  };
  const relay = (from: NodeJS.ReadableStream | null, to: NodeJS.WritableStream) =>
    from?.on('data', (chunk: Buffer) => (shuttingDown ? heldOutput.push(String(chunk)) : to.write(chunk)));
  const run = (name: string, entry: string) => {
    const child = spawn(process.execPath, ['--conditions=development', '--import', 'tsx', entry], {
      cwd: root,
      env,
      // The IPC channel closes when this launcher dies, even by SIGKILL: the apps then shut themselves down.
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
    });
    relay(child.stdout, process.stdout);
    relay(child.stderr, process.stderr);
    child.on('exit', (code, signal) => {
      if (shuttingDown) return;
      console.error(`[dev] ${name} exited (${signal ?? code}); stopping`);
      void shutdown(code ?? 1);
    });
    children.push(child);
  };
  const tApps = performance.now();
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
PopBox Studio is running (ready in ${secs(0)} s: launcher + database ${secs(0, tDatabase)} s, migrations + seed ${secs(tDatabase, tApps)} s, API + jobs ${secs(tApps)} s)
  Storefront     ${apiUrl}/shop/     (dev storefront: browse, pay on the simulator, scratch kuji tickets)
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
