import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import pg from 'pg';
import { EventSource } from 'eventsource';
import { createTRPCClient, httpSubscriptionLink } from '@trpc/client';
import { makeKujiProduct, makeProduct } from '@popbox/db/testing';
import type { KujiLiveState } from '@popbox/domain';
import type { AppRouter } from '../src/trpc/app-router.js';
import { startTestApp, type TestApp } from './support/test-app.js';
import { openSse, type SseStream } from './support/sse.js';

let app: TestApp;
const open: SseStream[] = [];

beforeAll(async () => {
  app = await startTestApp({
    app: { liveBoard: { heartbeatMs: 150, retryMs: 1_500, reconnect: { initialMs: 50, maxMs: 200 } } },
  });
});
afterEach(async () => {
  for (const s of open.splice(0)) s.close();
  await until(() => app.live.hub.subscriberCount === 0 && app.live.limits.openStreams === 0);
});
afterAll(() => app?.close());

async function live(slug: string, headers: Record<string, string> = {}, query = ''): Promise<SseStream> {
  const s = await openSse(`${app.url}/api/v1/kuji/${slug}/live${query}`, headers);
  open.push(s);
  return s;
}

const state = (e: { data: string }) => JSON.parse(e.data) as KujiLiveState;

async function until(ok: () => boolean | Promise<boolean>, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await ok())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** What the dealing code will do: change the board, bump the deck version and notify, in one transaction. */
async function changeBoard(
  productId: string,
  change: { prizeCode: string; remaining: number },
  deck: { total: number; next: number; claimed: number },
  pool: pg.Pool = app.database.pool,
): Promise<number> {
  const client = await pool.connect();
  try {
    await client.query('begin');
    await client.query(
      'update kuji_prizes set remaining_quantity = $3 where product_id = $1 and prize_code = $2',
      [productId, change.prizeCode, change.remaining],
    );
    const { rows } = await client.query<{ version: number }>(
      `insert into kuji_decks (product_id, total_cards, next_position, claimed_through, version)
       values ($1, $2, $3, $4, 1)
       on conflict (product_id) do update set total_cards = $2, next_position = $3, claimed_through = $4,
         version = kuji_decks.version + 1
       returning version`,
      [productId, deck.total, deck.next, deck.claimed],
    );
    await client.query(`select pg_notify('kuji_board', $1)`, [productId]);
    await client.query('commit');
    return rows[0]!.version;
  } catch (error) {
    await client.query('rollback');
    throw error;
  } finally {
    client.release();
  }
}

async function board(slug: string) {
  return makeKujiProduct(app.database.db, {
    product: { slug },
    prizes: [
      { code: 'A1', quantity: 1 },
      { code: 'B1', quantity: 3 },
      { code: 'B2', quantity: 2 },
      { code: 'C1', quantity: 4 },
      { code: 'LO', tier: 'LO', quantity: 1 },
    ],
  });
}

describe('GET /api/v1/kuji/{slug}/live (Server-Sent Events)', () => {
  it('sends the current state on connect, then each change within a second, with a retry hint', async () => {
    const { product } = await board('live-basic');
    const s = await live('live-basic');
    expect(s.status).toBe(200);
    expect(s.headers.get('content-type')).toMatch(/^text\/event-stream/);
    expect(s.headers.get('cache-control')).toContain('no-transform');

    const first = await s.next();
    expect(first).toMatchObject({ event: 'board', id: '0' });
    expect(state(first)).toEqual({
      version: 0,
      productId: product.id,
      slug: 'live-basic',
      tiers: [
        { tier: 'A', remaining: 1, initial: 1 },
        { tier: 'B', remaining: 5, initial: 5 },
        { tier: 'C', remaining: 4, initial: 4 },
      ],
      totalCards: 10,
      dealtCards: 0,
      pendingCards: 0,
      remainingCards: 10,
      pendingRounds: [],
      recentRounds: [],
      lastOne: { awarded: false, lineRef: null },
    });
    expect(s.retries).toEqual([1_500]);

    const t0 = Date.now();
    const version = await changeBoard(
      product.id,
      { prizeCode: 'B2', remaining: 0 },
      { total: 10, next: 3, claimed: 5 },
    );
    const update = await s.next((e) => e.id === String(version), { from: 1, timeoutMs: 1_000 });
    expect(Date.now() - t0).toBeLessThan(1_000);
    expect(state(update)).toMatchObject({
      version,
      tiers: [
        { tier: 'A', remaining: 1, initial: 1 },
        { tier: 'B', remaining: 3, initial: 5 },
        { tier: 'C', remaining: 4, initial: 4 },
      ],
      totalCards: 10,
      dealtCards: 2,
      pendingCards: 3,
      remainingCards: 5,
    });
    expect(s.events).toHaveLength(2);
  });

  it('reports pending rounds, dealt rounds and the Last One from the draw log', async () => {
    const { product } = await board('live-log');
    const client = await app.database.pool.connect();
    try {
      let seq = 0;
      const entry = async (
        line: string,
        count: number,
        round: number,
        dealt?: { at: string; lo?: boolean },
      ) => {
        seq += 1;
        await client.query(
          `insert into kuji_draw_log (product_id, seq, kind, epoch, line_ref, ticket_count, target_round,
             prev_hash, entry_hash, logged_at, first_position, won_last_one, dealt_at)
           values ($1, $2, 'draw', 1, $3, $4, $5, 'p', $6, now(), $7, $8, $9)`,
          [
            product.id,
            seq,
            line,
            count,
            round,
            `${product.id}-${seq}`,
            dealt ? seq : null,
            dealt ? (dealt.lo ?? false) : null,
            dealt?.at ?? null,
          ],
        );
      };
      await entry('ln_a', 2, 100, { at: '2026-01-01T00:00:01.000Z' });
      await entry('ln_b', 1, 100, { at: '2026-01-01T00:00:02.000Z' });
      await entry('ln_c', 3, 101, { at: '2026-01-01T00:00:05.000Z', lo: true });
      await entry('ln_d', 1, 102);
      await entry('ln_e', 2, 104);
      await entry('ln_f', 1, 104);
    } finally {
      client.release();
    }
    const s = await live('live-log');
    expect(state(await s.next())).toMatchObject({
      pendingRounds: [102, 104],
      recentRounds: [
        { round: 101, lines: 1, cards: 3, dealtAt: '2026-01-01T00:00:05.000Z' },
        { round: 100, lines: 2, cards: 3, dealtAt: '2026-01-01T00:00:02.000Z' },
      ],
      lastOne: { awarded: true, lineRef: 'ln_c' },
    });
  });

  it('skips the initial event when Last-Event-ID (or ?lastEventId=) is the current version', async () => {
    const { product } = await board('live-resume');
    const v1 = await changeBoard(
      product.id,
      { prizeCode: 'C1', remaining: 3 },
      { total: 10, next: 2, claimed: 2 },
    );

    const byHeader = await live('live-resume', { 'last-event-id': String(v1) });
    const byQuery = await live('live-resume', {}, `?lastEventId=${v1}`);
    const stale = await live('live-resume', { 'last-event-id': String(v1 - 1) });
    expect(state(await stale.next())).toMatchObject({ version: v1 });
    await new Promise((r) => setTimeout(r, 300));
    expect(byHeader.events).toHaveLength(0);
    expect(byQuery.events).toHaveLength(0);
    expect(byHeader.status).toBe(200);

    const v2 = await changeBoard(
      product.id,
      { prizeCode: 'C1', remaining: 2 },
      { total: 10, next: 3, claimed: 3 },
    );
    for (const s of [byHeader, byQuery]) {
      const e = await s.next(undefined, { timeoutMs: 1_000 });
      expect(e.id).toBe(String(v2));
      expect(state(e).tiers.find((t) => t.tier === 'C')?.remaining).toBe(2);
    }
  });

  it('sends a heartbeat comment on an idle stream', async () => {
    await board('live-heartbeat');
    const s = await live('live-heartbeat');
    await s.next();
    await until(() => s.comments.filter((c) => c === 'heartbeat').length >= 2, 2_000);
    expect(s.events).toHaveLength(1);
  });

  it('bounds open streams per client (429 with Retry-After) and frees a slot when a client leaves', async () => {
    await board('live-bounded');
    const streams = [];
    for (let i = 0; i < 4; i++) {
      const s = await live('live-bounded');
      expect(s.status).toBe(200);
      streams.push(s);
    }
    const fifth = await live('live-bounded');
    expect(fifth.status).toBe(429);
    expect(fifth.headers.get('retry-after')).toBe('10');
    expect(fifth.body).toMatchObject({ error: { code: 'RATE_LIMITED', status: 429 } });
    expect(String((fifth.body as { error: { requestId?: string } }).error.requestId)).not.toBe('');

    // Another client (one proxy hop: the address comes from X-Forwarded-For) has its own bound.
    const other = await live('live-bounded', { 'x-forwarded-for': '203.0.113.9' });
    expect(other.status).toBe(200);

    streams[0]!.close();
    await until(() => app.live.limits.openStreams === 4);
    const again = await live('live-bounded');
    expect(again.status).toBe(200);
    await again.next();
  });

  it('answers 404 in the error shape for unknown, inactive and non-kuji boards', async () => {
    await makeKujiProduct(app.database.db, { product: { slug: 'live-draft', status: 'draft' } });
    await makeProduct(app.database.db, { product: { slug: 'live-standard' } });
    for (const slug of ['no-such-board', 'live-draft', 'live-standard']) {
      const s = await live(slug);
      expect(s.status).toBe(404);
      expect(s.headers.get('content-type')).toMatch(/application\/json/);
      expect(s.body).toMatchObject({ error: { code: 'NOT_FOUND', status: 404 } });
    }
    expect(app.live.limits.openStreams).toBe(0);
  });

  it('serves many subscribers without a database connection each: one read per change', async () => {
    const { product } = await board('live-many');
    const streams = [];
    for (let i = 0; i < 24; i++) {
      streams.push(await live('live-many', { 'x-forwarded-for': `198.51.100.${i + 1}` }));
    }
    for (const s of streams) await s.next();
    const connections = async () => {
      const { rows } = await app.database.pool.query<{ n: number }>(
        `select count(*)::int as n from pg_stat_activity where datname = current_database()`,
      );
      return rows[0]!.n;
    };
    // The pool (20 at most, mostly idle) + the one LISTEN connection: never one per subscriber.
    expect(await connections()).toBeLessThan(24);
    const listeners = await app.database.pool.query(
      `select 1 from pg_stat_activity where datname = current_database() and application_name = 'popbox-kuji-live'`,
    );
    expect(listeners.rowCount).toBe(1);
    const version = await changeBoard(
      product.id,
      { prizeCode: 'A1', remaining: 0 },
      { total: 10, next: 2, claimed: 2 },
    );
    for (const s of streams) {
      const e = await s.next((ev) => ev.id === String(version), { timeoutMs: 1_000 });
      expect(state(e).tiers[0]).toEqual({ tier: 'A', remaining: 0, initial: 1 });
    }
    expect(app.live.hub.subscriberCount).toBe(24);
  });
});

describe('the LISTEN hub', () => {
  it('reads a board once per change (debounced bursts included), whatever the number of subscribers', async () => {
    const counted = await startTestApp({ countQueries: true });
    const streams: SseStream[] = [];
    try {
      const { product } = await makeKujiProduct(counted.database.db, { product: { slug: 'live-counted' } });
      for (let i = 0; i < 8; i++) {
        const s = await openSse(`${counted.url}/api/v1/kuji/live-counted/live`, {
          'x-forwarded-for': `192.0.2.${i + 1}`,
        });
        streams.push(s);
        await s.next();
      }
      // A state read is recognisable by its pending-rounds query.
      const reads = () =>
        counted.queries!.statements.filter((q) =>
          /select distinct .*"target_round".*"dealt_at" is null/.test(q),
        ).length;
      counted.queries!.reset();
      const version = await changeBoard(
        product.id,
        { prizeCode: 'C1', remaining: 5 },
        { total: 10, next: 2, claimed: 2 },
        counted.database.pool,
      );
      for (const s of streams) await s.next((e) => e.id === String(version), { timeoutMs: 1_000 });
      expect(reads()).toBe(1);

      // Five commits in a burst: folded by the 50 ms debounce into far fewer reads, the last state delivered.
      counted.queries!.reset();
      let last = version;
      for (let i = 0; i < 5; i++) {
        last = await changeBoard(
          product.id,
          { prizeCode: 'C1', remaining: 4 - i },
          { total: 10, next: 3 + i, claimed: 3 + i },
          counted.database.pool,
        );
      }
      for (const s of streams) {
        const e = await s.next((ev) => ev.id === String(last), { timeoutMs: 1_000 });
        expect(state(e).tiers.find((t) => t.tier === 'C')?.remaining).toBe(0);
      }
      expect(reads()).toBeGreaterThanOrEqual(1);
      expect(reads()).toBeLessThan(5);
    } finally {
      for (const s of streams) s.close();
      await counted.close();
    }
  });

  it('reconnects after its connection is killed and delivers what changed meanwhile', async () => {
    const { product } = await board('live-reconnect');
    const s = await live('live-reconnect');
    await s.next();
    expect(app.live.hub.isListening).toBe(true);

    const admin = new pg.Client({ connectionString: app.database.url });
    await admin.connect();
    try {
      const killed = await admin.query(
        `select pg_terminate_backend(pid) from pg_stat_activity
         where datname = current_database() and application_name = 'popbox-kuji-live'`,
      );
      expect(killed.rowCount).toBe(1);
      await until(() => !app.live.hub.isListening, 2_000);
      // Committed while nobody listens: the notification is lost, the re-read after reconnecting is not.
      const v1 = await changeBoard(
        product.id,
        { prizeCode: 'B1', remaining: 1 },
        { total: 10, next: 3, claimed: 3 },
      );
      const missed = await s.next((e) => e.id === String(v1), { timeoutMs: 3_000 });
      expect(state(missed).tiers[1]).toEqual({ tier: 'B', remaining: 3, initial: 5 });
      expect(app.live.hub.isListening).toBe(true);

      const v2 = await changeBoard(
        product.id,
        { prizeCode: 'B1', remaining: 0 },
        { total: 10, next: 4, claimed: 4 },
      );
      const e = await s.next((ev) => ev.id === String(v2), { timeoutMs: 1_000 });
      expect(state(e).tiers[1]).toEqual({ tier: 'B', remaining: 2, initial: 5 });
    } finally {
      await admin.end();
    }
  });
});

describe('tRPC subscription public.kuji.live', () => {
  it('streams the initial state and updates through httpSubscriptionLink, tracked by version', async () => {
    const { product } = await board('live-trpc');
    const client = createTRPCClient<AppRouter>({
      links: [httpSubscriptionLink({ url: `${app.url}/api/trpc`, EventSource })],
    });
    const received: Array<{ id: string; data: KujiLiveState }> = [];
    const errors: unknown[] = [];
    const sub = client.public.kuji.live.subscribe(
      { slug: 'live-trpc' },
      { onData: (d) => void received.push(d), onError: (e) => void errors.push(e) },
    );
    try {
      await until(() => received.length >= 1, 3_000);
      expect(received[0]).toMatchObject({ id: '0', data: { version: 0, slug: 'live-trpc', totalCards: 10 } });
      expect(app.live.hub.subscriberCount).toBe(1);

      const version = await changeBoard(
        product.id,
        { prizeCode: 'C1', remaining: 1 },
        { total: 10, next: 4, claimed: 6 },
      );
      await until(() => received.length >= 2, 1_000);
      expect(received[1]).toMatchObject({
        id: String(version),
        data: { version, dealtCards: 3, pendingCards: 3, remainingCards: 4 },
      });
      expect(received[1]!.data.tiers[2]).toEqual({ tier: 'C', remaining: 1, initial: 4 });
      expect(errors).toEqual([]);
    } finally {
      sub.unsubscribe();
    }
    await until(() => app.live.hub.subscriberCount === 0);
  });

  it('resumes from lastEventId: no initial state when the version is current, then the next change', async () => {
    const { product } = await board('live-trpc-resume');
    const v1 = await changeBoard(
      product.id,
      { prizeCode: 'A1', remaining: 0 },
      { total: 10, next: 2, claimed: 2 },
    );
    const client = createTRPCClient<AppRouter>({
      links: [httpSubscriptionLink({ url: `${app.url}/api/trpc`, EventSource })],
    });
    const received: Array<{ id: string; data: KujiLiveState }> = [];
    const sub = client.public.kuji.live.subscribe(
      { slug: 'live-trpc-resume', lastEventId: String(v1) },
      { onData: (d) => void received.push(d) },
    );
    try {
      await until(() => app.live.hub.subscriberCount === 1, 3_000);
      await new Promise((r) => setTimeout(r, 300));
      expect(received).toEqual([]);
      const v2 = await changeBoard(
        product.id,
        { prizeCode: 'B1', remaining: 2 },
        { total: 10, next: 3, claimed: 3 },
      );
      await until(() => received.length >= 1, 1_000);
      expect(received[0]).toMatchObject({ id: String(v2), data: { version: v2, dealtCards: 2 } });
    } finally {
      sub.unsubscribe();
    }
  });

  it('reports an unknown board as a NOT_FOUND error', async () => {
    const client = createTRPCClient<AppRouter>({
      links: [httpSubscriptionLink({ url: `${app.url}/api/trpc`, EventSource })],
    });
    const error = await new Promise<unknown>((resolve) => {
      const sub = client.public.kuji.live.subscribe(
        { slug: 'no-such-live-board' },
        {
          onData: () => resolve(new Error('unexpected data')),
          onError: (e) => {
            sub.unsubscribe();
            resolve(e);
          },
        },
      );
    });
    expect(error).toMatchObject({ data: { httpStatus: 404, errorCode: 'NOT_FOUND' } });
  });
});
