/**
 * `pnpm bench`: measures the shop's main paths and prints each against the database's own limits measured
 * in the same run, on the same machine (absolute numbers on shared machines mean little; ratios travel).
 *
 * - Database ceilings (direct pg pool, no HTTP, no app): `SELECT 1` round trips, a committed single-row
 *   write, and the guarded "hot row" stock update every checkout of one product must serialise on.
 * - Paths (a real API process, autocannon over loopback): catalog listing, product detail, search, home,
 *   checkout across many products, checkout of ONE product (the contended row), and payment finalisation
 *   through the signed webhook (local payment simulator).
 *
 * Uses DATABASE_URL's server when set (a fresh database is created and dropped), else embedded PostgreSQL
 * in .data/bench-postgres. Rate limits are switched off for the run (RATE_LIMITS=off; refused in production).
 * BENCH_SECONDS (default 5) sets each path's duration. Results are also written to .data/bench/latest.json.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import pg from 'pg';
import { createDb, runMigrations, seedDemo } from '@popbox/db';
import { startEmbeddedPostgres } from '@popbox/db/embedded';
import { dealKujiDrawsNow, makeKujiProduct, TEST_BEACON_ENV } from '@popbox/domain/testing';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const seconds = Number(process.env.BENCH_SECONDS ?? 5);
const connections = Number(process.env.BENCH_CONNECTIONS ?? 16);

interface Row {
  name: string;
  perSecond: number;
  p50?: number;
  p99?: number;
  errors?: number;
  ceiling?: string;
  ratio?: number;
  note?: string;
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

/** Runs `work` on `concurrency` workers for `ms`, returning completed operations per second. */
async function loop(
  concurrency: number,
  ms: number,
  work: (worker: number) => Promise<void>,
): Promise<number> {
  const end = Date.now() + ms;
  let done = 0;
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async (_, w) => {
      while (Date.now() < end) {
        await work(w);
        done++;
      }
    }),
  );
  return done / ((performance.now() - t0) / 1000);
}

async function databaseCeilings(url: string, hotProductId: string) {
  const pool = new pg.Pool({ connectionString: url, max: connections });
  const clients = await Promise.all(Array.from({ length: connections }, () => pool.connect()));
  try {
    const select1 = await loop(connections, seconds * 1000, (w) =>
      clients[w]!.query('SELECT 1').then(() => undefined),
    );
    const commit = await loop(connections, seconds * 1000, (w) =>
      clients[w]!.query(
        `INSERT INTO rate_limit_hits (key, hits, reset_at) VALUES ($1, 1, now()) ON CONFLICT (key) DO UPDATE SET hits = rate_limit_hits.hits + 1`,
        [`bench:${randomUUID()}`],
      ).then(() => undefined),
    );
    const hotRow = await loop(connections, seconds * 1000, (w) =>
      clients[w]!.query(
        `UPDATE product_inventory SET reserved = reserved + 1 WHERE product_id = $1 AND on_hand - reserved >= 1`,
        [hotProductId],
      ).then(() => undefined),
    );
    await clients[0]!.query(`DELETE FROM rate_limit_hits WHERE key LIKE 'bench:%'`);
    await clients[0]!.query(`UPDATE product_inventory SET reserved = 0 WHERE product_id = $1`, [
      hotProductId,
    ]);
    return { select1, commit, hotRow };
  } finally {
    clients.forEach((c) => c.release());
    await pool.end();
  }
}

function cannon(opts: Partial<autocannon.Options> & { url: string }): Promise<autocannon.Result> {
  // A fixed `amount` of requests replaces the duration.
  const options = {
    connections,
    ...(opts.amount ? {} : { duration: seconds }),
    ...opts,
  } as autocannon.Options;
  return new Promise((done, fail) => {
    autocannon(options, (err, result) => (err ? fail(err) : done(result)));
  });
}

function fromCannon(
  name: string,
  result: autocannon.Result,
  ceiling: { name: string; perSecond: number },
): Row {
  const ok = result.requests.total - result.non2xx - result.errors;
  const perSecond = ok / (result.duration || seconds);
  return {
    name,
    perSecond,
    p50: result.latency.p50,
    p99: result.latency.p99,
    errors: result.non2xx + result.errors,
    ceiling: ceiling.name,
    ratio: perSecond / ceiling.perSecond,
  };
}

async function startApi(databaseUrl: string, port: number, storageDir: string): Promise<ChildProcess> {
  const child = spawn(
    process.execPath,
    ['--conditions=development', '--import', 'tsx', 'apps/api/src/main.ts'],
    {
      cwd: root,
      env: {
        PATH: process.env.PATH ?? '',
        HOME: process.env.HOME ?? '',
        DATABASE_URL: databaseUrl,
        PORT: String(port),
        RATE_LIMITS: 'off',
        LOG_LEVEL: 'error',
        STORAGE_DIR: storageDir,
        // The kuji measurement deals with the test beacon's chain (1-second local rounds).
        ...TEST_BEACON_ENV,
      },
      stdio: ['ignore', 'inherit', 'inherit'],
    },
  );
  for (let i = 0; i < 600; i++) {
    if (child.exitCode !== null) throw new Error('API exited during startup');
    try {
      if ((await fetch(`http://127.0.0.1:${port}/ready`)).ok) return child;
    } catch {
      // not yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('API never became ready');
}

async function main() {
  const t0 = Date.now();
  let adminUrl = process.env.DATABASE_URL;
  let stopEmbedded: (() => Promise<void>) | undefined;
  if (!adminUrl) {
    const server = await startEmbeddedPostgres({ dataDir: join(root, '.data/bench-postgres') });
    adminUrl = server.url;
    stopEmbedded = server.stop;
  }
  const dbName = `popbox_bench_${Date.now().toString(36)}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE "${dbName}"`);
  const url = new URL(adminUrl);
  url.pathname = `/${dbName}`;
  const databaseUrl = url.toString();
  let api: ChildProcess | undefined;
  const rows: Row[] = [];
  try {
    await runMigrations(databaseUrl);
    const storageDir = join(root, '.data/bench/storage');
    const database = createDb(databaseUrl, { max: 2 });
    await seedDemo(database.db, { storageDir });
    await database.close();

    const setup = new pg.Client({ connectionString: databaseUrl });
    await setup.connect();
    // Plenty of stock so every checkout can succeed; one product is the contended "hot" row.
    await setup.query(`UPDATE product_inventory SET on_hand = 1000000000, reserved = 0
                         WHERE product_id IN (SELECT id FROM products WHERE product_type = 'standard')`);
    const standard = (
      await setup.query<{ id: string; slug: string }>(
        `SELECT id, slug FROM products WHERE status = 'active' AND product_type = 'standard' ORDER BY id`,
      )
    ).rows;
    await setup.end();
    const hot = standard[0]!;

    console.log(`[bench] measuring database ceilings (${connections} connections, ${seconds} s each)…`);
    const ceilings = await databaseCeilings(databaseUrl, hot.id);
    rows.push(
      { name: 'db: SELECT 1 round trip', perSecond: ceilings.select1, note: 'read ceiling' },
      { name: 'db: committed single-row write', perSecond: ceilings.commit, note: 'write/commit ceiling' },
      { name: 'db: guarded update of ONE row', perSecond: ceilings.hotRow, note: 'hot-row ceiling' },
    );
    const read = { name: 'SELECT 1', perSecond: ceilings.select1 };
    const write = { name: 'commit', perSecond: ceilings.commit };
    const hotRow = { name: 'hot row', perSecond: ceilings.hotRow };

    const port = await freePort();
    api = await startApi(databaseUrl, port, storageDir);
    const base = `http://127.0.0.1:${port}`;
    console.log('[bench] measuring API paths…');

    rows.push(
      fromCannon('GET /products?limit=20', await cannon({ url: `${base}/api/v1/products?limit=20` }), read),
    );
    rows.push(
      fromCannon(
        'GET /products/{slug}',
        await cannon({ url: `${base}/api/v1/products/${standard[1]!.slug}` }),
        read,
      ),
    );
    rows.push(
      fromCannon('GET /search?q=plush', await cannon({ url: `${base}/api/v1/search?q=plush` }), read),
    );
    rows.push(fromCannon('GET /home', await cannon({ url: `${base}/api/v1/home` }), read));

    let next = 0;
    const checkoutRequest = (productId: () => string): autocannon.Request => ({
      method: 'POST',
      path: '/api/v1/checkout/session',
      setupRequest: (req) => ({
        ...req,
        headers: { 'content-type': 'application/json', 'idempotency-key': randomUUID() },
        body: JSON.stringify({ items: [{ productId: productId(), quantity: 1 }] }),
      }),
    });
    const spread = await cannon({
      url: base,
      requests: [checkoutRequest(() => standard[1 + (next++ % (standard.length - 1))]!.id)],
    });
    rows.push(fromCannon('POST /checkout/session (many products)', spread, write));
    const contended = await cannon({ url: base, requests: [checkoutRequest(() => hot.id)] });
    rows.push(fromCannon('POST /checkout/session (one product)', contended, hotRow));

    // Finalisation: open sessions first, then pay them all through the simulator's signed webhooks.
    const sessions: string[] = [];
    const opened = await cannon({
      url: base,
      amount: Math.max(200, Math.round(spread.requests.average * seconds)),
      requests: [
        {
          ...checkoutRequest(() => standard[1 + (next++ % (standard.length - 1))]!.id),
          onResponse: (status, body) => {
            if (status === 201) sessions.push((JSON.parse(body) as { sessionId: string }).sessionId);
          },
        },
      ],
    });
    void opened;
    const paid = await cannon({
      url: base,
      amount: sessions.length,
      requests: [
        { method: 'POST', setupRequest: (req) => ({ ...req, path: `/dev/checkout/${sessions.pop()}/pay` }) },
      ],
    });
    // Each pay answers 303 after its webhook finalised the order.
    const finalised =
      paid.requests.total - paid.errors - (paid.non2xx - (paid.statusCodeStats?.['303']?.count ?? 0));
    const perSecond = finalised / paid.duration;
    rows.push({
      name: 'payment finalisation (webhook)',
      perSecond,
      p50: paid.latency.p50,
      p99: paid.latency.p99,
      errors: paid.requests.total - finalised,
      ceiling: write.name,
      ratio: perSecond / write.perSecond,
    });

    // Issue 12: dealing cost must not grow with the board. Sell the same 20 lines (5 draws each) from a
    // 100-card and from a 100,000-card board, then time the jobs app's dealer on each.
    console.log('[bench] measuring kuji dealing on a small and a 100,000-card board…');
    const kujiDb = createDb(databaseUrl, { max: 2 });
    const dealRows: Row[] = [];
    for (const [label, quantities] of [
      ['100-card board', [10, 30, 60]],
      ['100,000-card board', [100, 9_900, 90_000]],
    ] as const) {
      const board = await makeKujiProduct(kujiDb.db, {
        prizes: [
          { code: 'A1', quantity: quantities[0] },
          { code: 'B1', quantity: quantities[1] },
          { code: 'C1', quantity: quantities[2] },
        ],
      });
      const lines = 20;
      const kujiSessions: string[] = [];
      for (let i = 0; i < lines; i++) {
        const res = await fetch(`${base}/api/v1/checkout/session`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'idempotency-key': randomUUID() },
          body: JSON.stringify({ items: [{ productId: board.product.id, quantity: 5 }] }),
        });
        kujiSessions.push(((await res.json()) as { sessionId: string }).sessionId);
      }
      for (const session of kujiSessions)
        await fetch(`${base}/dev/checkout/${session}/pay`, { method: 'POST', redirect: 'manual' });
      const started = performance.now();
      const dealt = await dealKujiDrawsNow(kujiDb.db);
      const ms = performance.now() - started;
      dealRows.push({
        name: `kuji dealer: 20 lines × 5 draws, ${label}`,
        perSecond: ((dealt?.linesDealt ?? 0) * 1000) / ms,
        p50: ms / lines,
        note: 'lines dealt per second (p50 = ms per line)',
      });
    }
    await kujiDb.close();
    dealRows[1]!.ceiling = 'small board';
    dealRows[1]!.ratio = dealRows[1]!.perSecond / dealRows[0]!.perSecond;
    rows.push(...dealRows);
  } finally {
    if (api && api.exitCode === null) {
      api.kill('SIGTERM');
      await new Promise((r) => api!.once('exit', r));
    }
    await admin.query(`DROP DATABASE IF EXISTS "${dbName}" WITH (FORCE)`).catch(() => undefined);
    await admin.end();
    await stopEmbedded?.();
  }

  const fmt = (n: number | undefined, digits = 0) => (n === undefined ? '' : n.toFixed(digits));
  console.log(
    `\nPopBox bench — ${new Date().toISOString()}, ${connections} connections, ${seconds} s per path\n`,
  );
  console.log('| path | per second | p50 ms | p99 ms | errors | ceiling | ratio to ceiling |');
  console.log('|---|---:|---:|---:|---:|---|---:|');
  for (const r of rows) {
    console.log(
      `| ${r.name} | ${fmt(r.perSecond)} | ${fmt(r.p50)} | ${fmt(r.p99)} | ${r.errors ?? ''} | ${r.ceiling ?? r.note ?? ''} | ${fmt(r.ratio, 3)} |`,
    );
  }
  console.log(
    `\n(ratio = path throughput ÷ the ceiling's throughput in this run; total ${((Date.now() - t0) / 1000).toFixed(0)} s)`,
  );
  await mkdir(join(root, '.data/bench'), { recursive: true });
  await writeFile(
    join(root, '.data/bench/latest.json'),
    JSON.stringify({ at: new Date().toISOString(), seconds, connections, rows }, null, 2),
  );
}

main().catch((error: unknown) => {
  console.error('[bench] failed:', error);
  process.exit(1);
});
