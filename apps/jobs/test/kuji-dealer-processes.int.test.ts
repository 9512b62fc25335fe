import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, makeOrder, type TestDatabase } from '@popbox/db/testing';
import {
  claimKujiLine,
  dealDueKujiLines,
  getKujiFairness,
  silentLogger,
  systemClock,
  systemRandom,
} from '@popbox/domain';
import { makeKujiProduct, testBeacon, TEST_BEACON_ENV } from '@popbox/domain/testing';
import { verifyBoard, type FairnessDocument } from '@popbox/domain/kuji-verifier';

/**
 * Issue 12: two real jobs processes (apps/jobs/src/main.ts, pg-boss, the dealer ticker) deal the same board
 * while paid lines keep arriving, several lines per beacon round. Two in-process dealers race them as well,
 * with no queue in between: the board lock alone must keep every line dealt exactly once. And a process
 * killed in the middle of a deal must not keep the survivor from dealing.
 */
const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));
const BOARD = [
  { code: 'A1', quantity: 2 },
  { code: 'B1', quantity: 6 },
  { code: 'C1', quantity: 12 },
  { code: 'D1', quantity: 40 },
  { code: 'LO', tier: 'LO', quantity: 1, name: 'Last One' },
];
const CARDS = 60;
const LINES = 30;
const BURSTS = 6;

let database: TestDatabase;
const children: ChildProcess[] = [];

beforeAll(async () => {
  database = await createTestDatabase({ max: 20 });
});
afterAll(async () => {
  for (const child of children)
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  await database?.close();
});

/** 30 counts of 1–3 tickets summing to 60 (the board sells out). */
function lineCounts(): number[] {
  const counts = Array.from({ length: LINES }, () => 2);
  for (let i = 0; i < 40; i++) {
    const up = Math.floor(Math.random() * LINES);
    const down = Math.floor(Math.random() * LINES);
    if (up !== down && counts[up]! < 3 && counts[down]! > 1) {
      counts[up]! += 1;
      counts[down]! -= 1;
    }
  }
  return counts;
}

// eslint-disable-next-line no-control-regex
const stripAnsi = (text: string) => text.replace(/\x1b\[[0-9;]*m/g, '');

function startJobsProcess() {
  const env: Record<string, string | undefined> = {
    ...process.env,
    ...TEST_BEACON_ENV,
    NODE_ENV: 'test',
    LOG_LEVEL: 'info',
    DATABASE_URL: database.url,
    DATABASE_DIRECT_URL: undefined,
    STRIPE_SECRET_KEY: undefined,
    RESEND_API_KEY: undefined,
    SIMULATOR_API_URL: 'http://127.0.0.1:9',
    KUJI_DEAL_INTERVAL_MS: '200',
  };
  const child = spawn(
    process.execPath,
    ['--conditions=development', '--import', 'tsx', 'apps/jobs/src/main.ts'],
    { cwd: repoRoot, env, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const out = { text: '' };
  child.stdout?.on('data', (chunk: Buffer) => (out.text += stripAnsi(chunk.toString())));
  child.stderr?.on('data', (chunk: Buffer) => process.stderr.write(`[jobs child] ${chunk.toString()}`));
  children.push(child);
  return { child, out };
}

/** pino-pretty entries of a process's log that record a finished run of the dealer job. */
function dealerRuns(log: string): string[] {
  return log
    .split(/\n(?=\[\d\d:\d\d:\d\d\.\d{3}\])/)
    .filter((entry) => entry.includes('job finished') && entry.includes('"deal-kuji-draws"'));
}

const exited = (child: ChildProcess) =>
  new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) {
      resolve({ code: child.exitCode, signal: child.signalCode });
    } else child.once('exit', (code, signal) => resolve({ code, signal }));
  });

async function until<T>(probe: () => Promise<T | undefined>, timeoutMs: number, pollMs = 50): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error('condition not reached in time');
    await new Promise((r) => setTimeout(r, pollMs));
  }
}

async function query<T>(text: string, params: unknown[] = []): Promise<T[]> {
  return (await database.pool.query(text, params)).rows as T[];
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('two jobs processes dealing the same kuji rounds', () => {
  it('deal every line exactly once, contiguously, with one Last One, and the board verifies', async () => {
    const db = database.db;
    const beacon = testBeacon();
    const { product, prizes } = await makeKujiProduct(db, { prizes: BOARD });
    const counts = lineCounts();
    expect(counts.reduce((a, b) => a + b, 0)).toBe(CARDS);
    const orders = [];
    for (const quantity of counts) orders.push(await makeOrder(db, { lines: [{ product, quantity }] }));

    const processes = [startJobsProcess(), startJobsProcess()];
    await until(
      async () => (processes.every((p) => p.out.text.includes('jobs worker started')) ? true : undefined),
      60_000,
    );

    // From the second half of the sale on, two dealers without pg-boss in between race the processes'
    // dealers (same code, same beacon chain); the first half is the processes' alone.
    let racing = true;
    const racerErrors: unknown[] = [];
    let racerLines = 0;
    const joined = { resolve: () => {} };
    const racersJoin = new Promise<void>((resolve) => (joined.resolve = resolve));
    const racers = [0, 1].map(async (n) => {
      await racersJoin;
      await sleep(n * 70);
      while (racing) {
        await dealDueKujiLines({ db, logger: silentLogger, clock: systemClock, beacon })
          .then((r) => (racerLines += r.linesDealt))
          .catch((err: unknown) => racerErrors.push(err));
        await sleep(150);
      }
    });

    // Paid lines arrive in bursts while the dealers run: several lines share each target round.
    const claims = [];
    const perBurst = LINES / BURSTS;
    for (let b = 0; b < BURSTS; b++) {
      if (b === BURSTS / 2) joined.resolve();
      const burst = orders.slice(b * perBurst, (b + 1) * perBurst);
      claims.push(
        ...(await Promise.all(
          burst.map(({ order, items }) =>
            db.transaction((tx) =>
              claimKujiLine(
                tx,
                { random: systemRandom, clock: systemClock, beacon },
                {
                  orderId: order.id,
                  orderItemId: items[0]!.id,
                  customerId: order.customerId!,
                  productId: product.id,
                  quantity: items[0]!.quantity,
                },
              ),
            ),
          ),
        )),
      );
      await sleep(700);
    }
    expect(claims.every((c) => c.ok)).toBe(true);

    await until(async () => {
      const [row] = await query<{ n: number }>(
        `SELECT count(*)::int AS n FROM kuji_draw_log WHERE kind = 'draw' AND dealt_at IS NULL`,
      );
      return row?.n === 0 ? true : undefined;
    }, 60_000);
    // Let the dealers run a while longer: a second deal of any line would fail (append-only log) or show below.
    await sleep(1500);
    racing = false;
    await Promise.all(racers);
    expect(racerErrors).toEqual([]);

    // Several lines share each round, so the within-round order mattered.
    const lines = await query<{
      id: string;
      line_ref: string;
      ticket_count: number;
      target_round: number;
      first_position: number | null;
      won_last_one: boolean | null;
      dealt_at: Date | null;
      order_item_id: string;
    }>(
      `SELECT id, line_ref, ticket_count, target_round::int, first_position, won_last_one, dealt_at, order_item_id
         FROM kuji_draw_log WHERE product_id = $1 AND kind = 'draw' ORDER BY first_position`,
      [product.id],
    );
    expect(lines).toHaveLength(LINES);
    const perRound = new Map<number, number>();
    for (const l of lines) perRound.set(l.target_round, (perRound.get(l.target_round) ?? 0) + 1);
    expect(Math.max(...perRound.values())).toBeGreaterThanOrEqual(2);

    // Every line dealt once: dealt_at and a first position set, ranges contiguous from 1 in round order.
    expect(lines.every((l) => l.dealt_at !== null && l.first_position !== null)).toBe(true);
    let next = 1;
    for (const l of lines) {
      expect(l.first_position).toBe(next);
      next += l.ticket_count;
    }
    expect(next).toBe(CARDS + 1);
    const rounds = lines.map((l) => l.target_round);
    expect(rounds).toEqual([...rounds].sort((a, b) => a - b));

    // Each ticket has exactly one position, inside its own line's range; positions 1..60 each once.
    const tickets = await query<{
      draw_log_id: string;
      kuji_prize_id: string | null;
      deck_position: number | null;
    }>(`SELECT draw_log_id, kuji_prize_id, deck_position FROM tickets WHERE kuji_product_id = $1`, [
      product.id,
    ]);
    expect(tickets).toHaveLength(CARDS);
    expect(tickets.every((t) => t.kuji_prize_id !== null && t.deck_position !== null)).toBe(true);
    expect(tickets.map((t) => t.deck_position).sort((a, b) => a! - b!)).toEqual(
      Array.from({ length: CARDS }, (_, i) => i + 1),
    );
    const byId = new Map(lines.map((l) => [l.id, l]));
    for (const t of tickets) {
      const line = byId.get(t.draw_log_id)!;
      expect(t.deck_position).toBeGreaterThanOrEqual(line.first_position!);
      expect(t.deck_position).toBeLessThan(line.first_position! + line.ticket_count);
    }

    // Prize counts: remaining = manifest − dealt for every prize (all zero: sold out); the deck agrees.
    const remaining = await query<{ id: string; remaining_quantity: number }>(
      `SELECT id, remaining_quantity FROM kuji_prizes WHERE product_id = $1`,
      [product.id],
    );
    for (const prize of prizes.filter((p) => p.prizeTier !== 'LO')) {
      const dealt = tickets.filter((t) => t.kuji_prize_id === prize.id).length;
      expect(dealt).toBe(prize.initialQuantity);
      expect(remaining.find((r) => r.id === prize.id)!.remaining_quantity).toBe(
        prize.initialQuantity - dealt,
      );
    }
    const [deck] = await query<{ next_position: number; claimed_through: number }>(
      `SELECT next_position, claimed_through FROM kuji_decks WHERE product_id = $1`,
      [product.id],
    );
    expect(deck).toEqual({ next_position: CARDS + 1, claimed_through: CARDS });

    // The Last One once, to the line holding the final card, and only its order says so.
    const lastOne = prizes.find((p) => p.prizeTier === 'LO')!;
    expect(remaining.find((r) => r.id === lastOne.id)!.remaining_quantity).toBe(0);
    const winners = lines.filter((l) => l.won_last_one);
    expect(winners).toHaveLength(1);
    expect(winners[0]).toBe(lines.at(-1));
    const holder = tickets.find((t) => t.deck_position === CARDS)!.draw_log_id;
    expect(winners[0]!.id).toBe(holder);
    const flagged = await query<{ id: string }>(
      `SELECT id FROM orders WHERE includes_last_one_prize AND id = ANY($1::uuid[])`,
      [orders.map((o) => o.order.id)],
    );
    const winnerOrder = orders.find((o) => o.items[0]!.id === winners[0]!.order_item_id)!.order.id;
    expect(flagged.map((o) => o.id)).toEqual([winnerOrder]);

    // The public document verifies: every line replays to the cards its tickets hold.
    const fairness = (await getKujiFairness(
      { db, clock: systemClock },
      product.slug,
    )) as unknown as FairnessDocument;
    const verdict = await verifyBoard(fairness);
    expect(verdict.problems).toEqual([]);
    expect(verdict.ok).toBe(true);
    expect(verdict.lines.filter((l) => l.status === 'verified')).toHaveLength(LINES);

    // Stopped first, so no run (a cron tick) starts between reading job_runs and reading the logs.
    for (const p of processes) {
      const exit = exited(p.child);
      p.child.kill('SIGTERM');
      expect(await exit).toEqual({ code: 0, signal: null });
    }
    // Both processes ran; the dealer job never failed (a double deal would be refused by the append-only log).
    const runs = await query<{ status: string; n: number }>(
      `SELECT status, count(*)::int AS n FROM job_runs WHERE job_name = 'deal-kuji-draws' GROUP BY status`,
    );
    expect(runs.find((r) => r.status === 'failed')).toBeUndefined();
    expect(runs.find((r) => r.status === 'succeeded')?.n ?? 0).toBeGreaterThan(0);
    const perProcess = processes.map((p) => dealerRuns(p.out.text).length);
    expect(perProcess.reduce((a, b) => a + b, 0)).toBe(runs.find((r) => r.status === 'succeeded')!.n);
    expect(perProcess.every((n) => n > 0)).toBe(true);
    for (const p of processes) {
      expect(p.out.text).not.toContain('kuji dealer check failed');
      expect(p.out.text).not.toContain('pg-boss error');
      expect(p.out.text).not.toContain('job failed');
    }
    // What every dealer reports adds up to each line once: no dealer dealt a line another had dealt.
    const processLines = (
      await query<{ lines: number }>(
        `SELECT coalesce(sum((result->>'linesDealt')::int), 0)::int AS lines FROM job_runs
          WHERE job_name = 'deal-kuji-draws' AND status = 'succeeded'`,
      )
    )[0]!.lines;
    console.info(
      `lines dealt by the jobs processes: ${processLines}, by the in-process dealers: ${racerLines}`,
    );
    expect(processLines + racerLines).toBe(LINES);
    expect(processLines).toBeGreaterThan(0);
  }, 150_000);

  it('a jobs process killed in the middle of a deal does not stop the other from dealing', async () => {
    const db = database.db;
    const beacon = testBeacon();
    const { product } = await makeKujiProduct(db, { prizes: [{ code: 'A1', quantity: 10 }] });
    const claimLine = async (quantity: number) => {
      const { order, items } = await makeOrder(db, { lines: [{ product, quantity }] });
      return db.transaction((tx) =>
        claimKujiLine(
          tx,
          { random: systemRandom, clock: systemClock, beacon },
          {
            orderId: order.id,
            orderItemId: items[0]!.id,
            customerId: order.customerId!,
            productId: product.id,
            quantity,
          },
        ),
      );
    };
    const undealt = async () =>
      (
        await query<{ n: number }>(
          `SELECT count(*)::int AS n FROM kuji_draw_log WHERE product_id = $1 AND kind = 'draw' AND dealt_at IS NULL`,
          [product.id],
        )
      )[0]!.n;

    // Process A starts dealing a board whose lock the test holds, so A's dealer job stays in the middle of it.
    const a = startJobsProcess();
    await until(async () => (a.out.text.includes('jobs worker started') ? true : undefined), 60_000);
    await claimLine(2);
    const holder = await database.pool.connect();
    try {
      await holder.query('BEGIN');
      await holder.query(`SELECT 1 FROM kuji_decks WHERE product_id = $1 FOR UPDATE`, [product.id]);
      await until(
        async () => {
          const [row] = await query<{ n: number }>(
            `SELECT count(*)::int AS n FROM pgboss.job WHERE name = 'deal-kuji-draws' AND state = 'active'`,
          );
          return row && row.n > 0 ? true : undefined;
        },
        30_000,
        100,
      );
      const exit = exited(a.child);
      a.child.kill('SIGKILL');
      await exit;
    } finally {
      await holder.query('ROLLBACK');
      holder.release();
    }
    expect(await undealt()).toBe(1);

    // Process B (the survivor of a crash or a deploy) must deal the waiting line and new ones promptly.
    const b = startJobsProcess();
    await until(async () => (b.out.text.includes('jobs worker started') ? true : undefined), 60_000);
    await claimLine(3);
    const started = Date.now();
    await until(async () => ((await undealt()) === 0 ? true : undefined), 60_000, 200);
    console.info(
      `the surviving process dealt every waiting line ${Date.now() - started} ms after the next line was paid`,
    );
    const exit = exited(b.child);
    b.child.kill('SIGTERM');
    expect(await exit).toEqual({ code: 0, signal: null });
  }, 180_000);
});
