import { spawn, type ChildProcess } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, makePendingCheckouts, makeProduct, type TestDatabase } from '@popbox/db/testing';
import { getReconciliationReport, systemClock } from '@popbox/domain';

/**
 * F15 / B19: a real jobs process (apps/jobs/src/main.ts, pg-boss and all) is SIGKILLed while it sweeps;
 * a second one finishes. Batches are tiny and the payment simulator answers slowly, so the sweep is long
 * enough to be killed in the middle.
 */
const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));
const LAPSED = 600;
const BATCH = 2;

let database: TestDatabase;
const children: ChildProcess[] = [];

/** Stands in for the API's `POST /dev/checkout/{id}/expire` (the simulator's session store). */
function startSimulatorApi() {
  const calls: string[] = [];
  const state = { delayMs: 30 };
  const server: Server = createServer((req, res) => {
    const match = /^\/dev\/checkout\/([^/]+)\/expire$/.exec(req.url ?? '');
    req.resume();
    if (req.method !== 'POST' || !match) {
      res.writeHead(404).end();
      return;
    }
    calls.push(decodeURIComponent(match[1]!));
    setTimeout(() => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ result: 'expired' }));
    }, state.delayMs);
  });
  return { server, calls, state };
}
let simulator: ReturnType<typeof startSimulatorApi>;
let simulatorUrl: string;

beforeAll(async () => {
  database = await createTestDatabase();
  simulator = startSimulatorApi();
  await new Promise<void>((resolve) => simulator.server.listen(0, '127.0.0.1', resolve));
  simulatorUrl = `http://127.0.0.1:${(simulator.server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  for (const child of children)
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  simulator?.server.closeAllConnections();
  await new Promise((resolve) => simulator?.server.close(resolve));
  await database?.close();
});

function startJobsProcess(): ChildProcess {
  const env: Record<string, string | undefined> = {
    ...process.env,
    NODE_ENV: 'test',
    LOG_LEVEL: 'silent',
    DATABASE_URL: database.url,
    DATABASE_DIRECT_URL: undefined,
    STRIPE_SECRET_KEY: undefined,
    RESEND_API_KEY: undefined,
    SIMULATOR_API_URL: simulatorUrl,
    RESERVATION_EXPIRY_BATCH_SIZE: String(BATCH),
    RESERVATION_EXPIRY_MAX_BATCHES: '1000',
  };
  const child = spawn(
    process.execPath,
    ['--conditions=development', '--import', 'tsx', 'apps/jobs/src/main.ts'],
    { cwd: repoRoot, env, stdio: ['ignore', 'ignore', 'pipe'] },
  );
  child.stderr?.on('data', (chunk: Buffer) => process.stderr.write(`[jobs child] ${chunk.toString()}`));
  children.push(child);
  return child;
}

const exited = (child: ChildProcess) =>
  new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) {
      resolve({ code: child.exitCode, signal: child.signalCode });
    } else child.once('exit', (code, signal) => resolve({ code, signal }));
  });

async function until<T>(probe: () => Promise<T | undefined>, timeoutMs: number, pollMs = 25): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error('condition not reached in time');
    await new Promise((r) => setTimeout(r, pollMs));
  }
}

async function one<T>(text: string, params: unknown[] = []): Promise<T> {
  return (await database.pool.query(text, params)).rows[0] as T;
}

const expiredCount = async (ids: string[]) =>
  (
    await one<{ n: number }>(
      `SELECT count(*)::int AS n FROM orders WHERE id = ANY($1::uuid[]) AND status = 'expired'`,
      [ids],
    )
  ).n;

describe('a jobs process killed in the middle of the expiry sweep', () => {
  it('leaves no half-done batch: the next process finishes the rest and the counters reconcile', async () => {
    const p = await makeProduct(database.db, { inventory: { onHand: 1000 } });
    const lapsed = await makePendingCheckouts(database.db, {
      product: p,
      count: LAPSED,
      expiresAt: new Date(Date.now() - 5 * 60_000),
      sessions: { prefix: 'cs_sim_kill' },
    });
    // Live holds of other buyers: reserved must end at exactly their sum.
    await makePendingCheckouts(database.db, {
      product: p,
      count: 10,
      quantity: 5,
      expiresAt: new Date(Date.now() + 8 * 60_000),
    });

    const first = startJobsProcess();
    const firstExit = exited(first);
    await until(async () => {
      if (first.exitCode !== null) throw new Error('the jobs process stopped on its own');
      return (await expiredCount(lapsed)) >= 40 ? true : undefined;
    }, 60_000);
    first.kill('SIGKILL');
    expect((await firstExit).signal).toBe('SIGKILL');

    const afterKill = await expiredCount(lapsed);
    expect(afterKill).toBeGreaterThanOrEqual(40);
    expect(afterKill).toBeLessThan(LAPSED); // really killed mid-sweep
    // Its run never finished, and still nothing is half-done: every committed batch is whole.
    const run = await one<{ status: string; finished_at: Date | null }>(
      `SELECT status, finished_at FROM job_runs WHERE job_name = 'expire-pending-orders'`,
    );
    expect(run).toEqual({ status: 'running', finished_at: null });
    expect((await getReconciliationReport({ db: database.db, clock: systemClock })).clean).toBe(true);
    const halfDone = await one<{ n: number }>(
      `SELECT count(*)::int AS n FROM orders o JOIN inventory_reservations r ON r.order_id = o.id
       WHERE o.id = ANY($1::uuid[])
         AND (o.status = 'expired') <> (r.status = 'expired')`,
      [lapsed],
    );
    expect(halfDone.n).toBe(0);

    // The next jobs process sweeps what is left as soon as it starts.
    simulator.state.delayMs = 0;
    const second = startJobsProcess();
    const secondExit = exited(second);
    await until(async () => ((await expiredCount(lapsed)) === LAPSED ? true : undefined), 60_000, 100);
    await until(async () => {
      const done = await one<{ n: number } | undefined>(
        `SELECT count(*)::int AS n FROM job_runs
         WHERE job_name = 'expire-pending-orders' AND status = 'succeeded'`,
      );
      return done && done.n > 0 ? true : undefined;
    }, 30_000);
    second.kill('SIGTERM');
    expect(await secondExit).toEqual({ code: 0, signal: null });

    const reservations = await one<{ active: number; expired: number }>(
      `SELECT count(*) FILTER (WHERE status = 'active')::int AS active,
              count(*) FILTER (WHERE status = 'expired')::int AS expired
       FROM inventory_reservations WHERE order_id = ANY($1::uuid[])`,
      [lapsed],
    );
    expect(reservations).toEqual({ active: 0, expired: LAPSED });
    const inventory = await one<{ reserved: number; on_hand: number }>(
      `SELECT reserved, on_hand FROM product_inventory WHERE product_id = $1`,
      [p.id],
    );
    expect(inventory).toEqual({ reserved: 50, on_hand: 1000 });
    expect((await getReconciliationReport({ db: database.db, clock: systemClock })).clean).toBe(true);

    // Sessions: never closed twice; only a batch committed just before the kill can have missed its call
    // (those sessions lapse on their own at their expires_at, and a payment meanwhile is a late payment, F5).
    expect(new Set(simulator.calls).size).toBe(simulator.calls.length);
    expect(simulator.calls.length).toBeGreaterThanOrEqual(LAPSED - BATCH);
  }, 150_000);
});
