import { spawn, type ChildProcess } from 'node:child_process';
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

/**
 * The README's start command for real: the dev launcher with no environment at all starts embedded
 * PostgreSQL, migrates, seeds, runs the API and jobs; a second start reuses the data; Ctrl+C (SIGINT to the
 * terminal's whole process group) stops it calmly with one line; a start after a hard kill recovers by itself.
 * It runs `./shop dev` (pnpm → `exec node scripts/dev.mjs`) in a process group of its own, as a terminal does.
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

async function start(port: number): Promise<{ child: ChildProcess; readyMs: number; output: () => string }> {
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '',
    HOME: process.env.HOME ?? '',
    POPBOX_DATA_DIR: dataDir,
    PORT: String(port),
    LOG_LEVEL: 'warn',
  };
  const t0 = Date.now();
  // The README's own command; through pnpm, so a stray "ELIFECYCLE" on Ctrl+C would show.
  const child = spawn('./shop', ['dev'], {
    cwd: root,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  let output = '';
  child.stdout?.on('data', (d) => (output += d));
  child.stderr?.on('data', (d) => (output += d));
  running = child;
  for (let i = 0; i < 1200; i++) {
    if (child.exitCode !== null) throw new Error(`launcher exited early:\n${output}`);
    try {
      if ((await fetch(`http://127.0.0.1:${port}/ready`)).ok) {
        const readyMs = Date.now() - t0;
        // The banner follows the launcher's own /ready check.
        while (!output.includes('Press Ctrl+C to stop.')) await new Promise((r) => setTimeout(r, 50));
        return { child, readyMs, output: () => output };
      }
    } catch {
      // not yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`launcher never became ready:\n${output}`);
}

/** Sends `signal` to the launcher's whole process group (what Ctrl+C in a terminal does) and waits for its exit. */
function stop(child: ChildProcess, signal: NodeJS.Signals): Promise<{ code: number | null }> {
  return new Promise((done) => {
    if (child.exitCode !== null || child.signalCode !== null) return done({ code: child.exitCode });
    child.once('exit', (code) => done({ code }));
    process.kill(-child.pid!, signal);
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
    expect(first.output()).toMatch(/demo shop seeded/);
    await stop(first.child, 'SIGTERM');
    await waitUntilClosed(port);

    const second = await start(port);
    expect(await collections(port)).toEqual(seeded);
    // Reuses the cluster and the seed: no initdb, no seeding, and it says nothing about seeding.
    expect(second.readyMs).toBeLessThan(first.readyMs + 5_000);
    expect(second.output()).not.toMatch(/seeded/);
    console.info(`[dev-launcher] first start ready in ${first.readyMs} ms, second in ${second.readyMs} ms`);

    // Ctrl+C: SIGINT to every process of the terminal's group. The apps stop before the database (no pg-boss
    // errors), and the only thing printed after the banner is one "stopped" line; exit code 0.
    const beforeStop = second.output().length;
    expect(await stop(second.child, 'SIGINT')).toEqual({ code: 0 });
    const afterBanner = second.output().slice(beforeStop).trim();
    expect(afterBanner).toMatch(/^PopBox Studio stopped \(\d+\.\d s\)\.$/);
    expect(second.output()).not.toMatch(/error|ELIFECYCLE/i);
    await waitUntilClosed(port);

    const third = await start(port);
    expect(await collections(port)).toEqual(seeded);

    // A hard kill of everything (launcher, apps and database) at once.
    await stop(third.child, 'SIGKILL');
    await waitUntilClosed(port);

    await start(port);
    expect(await collections(port)).toEqual(seeded);
  }, 400_000);
});
