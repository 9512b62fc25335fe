import { spawn, type ChildProcess } from 'node:child_process';
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

/**
 * The README's start command for real: the dev launcher with no environment at all starts embedded
 * PostgreSQL, migrates, seeds, runs the API and jobs; a second start reuses the data; a start after a hard
 * kill recovers by itself.
 */
const root = resolve(import.meta.dirname, '../../..');
let dataDir: string;
let running: ChildProcess | undefined;

async function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const srv = createServer();
    srv.once('error', fail);
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as { port: number }).port;
      srv.close(() => done(port));
    });
  });
}

async function start(port: number): Promise<{ child: ChildProcess; readyMs: number }> {
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '',
    HOME: process.env.HOME ?? '',
    POPBOX_DATA_DIR: dataDir,
    PORT: String(port),
    LOG_LEVEL: 'warn',
  };
  const t0 = Date.now();
  const child = spawn(process.execPath, ['--conditions=development', '--import', 'tsx', 'scripts/dev.ts'], {
    cwd: root,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (d) => (output += d));
  child.stderr?.on('data', (d) => (output += d));
  running = child;
  for (let i = 0; i < 1200; i++) {
    if (child.exitCode !== null) throw new Error(`launcher exited early:\n${output}`);
    try {
      if ((await fetch(`http://127.0.0.1:${port}/ready`)).ok) return { child, readyMs: Date.now() - t0 };
    } catch {
      // not yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`launcher never became ready:\n${output}`);
}

function stop(child: ChildProcess, signal: NodeJS.Signals): Promise<void> {
  return new Promise((done) => {
    if (child.exitCode !== null || child.signalCode !== null) return done();
    child.once('exit', () => done());
    child.kill(signal);
  });
}

async function waitUntilClosed(port: number) {
  for (let i = 0; i < 200; i++) {
    try {
      await fetch(`http://127.0.0.1:${port}/health`);
    } catch {
      return;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('port still answering');
}

async function collections(port: number): Promise<string[]> {
  const res = await fetch(`http://127.0.0.1:${port}/api/v1/collections`);
  expect(res.status).toBe(200);
  const body = (await res.json()) as { items: Array<{ slug: string }> };
  return body.items.map((c) => c.slug);
}

afterAll(async () => {
  if (running) await stop(running, 'SIGTERM');
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

describe('pnpm dev (the dev launcher)', () => {
  it('starts with no configuration, restarts on the same data, and recovers after a hard kill', async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'popbox-dev-'));
    // As root, embedded PostgreSQL runs as the postgres user, which must be able to enter the folder.
    await chmod(dataDir, 0o755);
    const port = await freePort();

    const first = await start(port);
    const seeded = await collections(port);
    expect(seeded).toContain('featured');
    expect(seeded.length).toBeGreaterThanOrEqual(5);
    await stop(first.child, 'SIGTERM');
    await waitUntilClosed(port);

    const second = await start(port);
    expect(await collections(port)).toEqual(seeded);
    // Reuses the cluster and the seed: no initdb, no seeding.
    expect(second.readyMs).toBeLessThan(first.readyMs + 5_000);

    await stop(second.child, 'SIGKILL');
    await waitUntilClosed(port);

    await start(port);
    expect(await collections(port)).toEqual(seeded);
  }, 180_000);
});
