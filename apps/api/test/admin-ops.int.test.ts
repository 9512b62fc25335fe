import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { emailOutbox } from '@popbox/db';
import { makeKujiProduct, makeOrder, makeProduct, makeReservation, makeUser } from '@popbox/db/testing';
import {
  deliverOutboxBatch,
  enqueueEmail,
  fixedClock,
  lockKujiBoard,
  resendEmailSender,
  runRecordedJob,
  syncKujiBoard,
  systemRandom,
  type OutboxDeliveryDeps,
} from '@popbox/domain';
import { fakeBeacon, startFakeResend, type FakeResend } from '@popbox/domain/testing';
import { startTestApp, type TestApp } from './support/test-app.js';
import { json, type Json } from './support/http.js';

let app: TestApp;
let resend: FakeResend;
let token: string;
const ADMIN_ID = '00000000-0000-4000-8000-00000000a001';

beforeAll(async () => {
  app = await startTestApp();
  resend = await startFakeResend();
  await makeUser(app.database.db, { id: ADMIN_ID, email: 'admin@popbox.test', role: 'admin' });
  token = await app.adminToken(ADMIN_ID);
});
afterAll(async () => {
  await resend?.close();
  await app?.close();
});

const get = (path: string) =>
  fetch(`${app.url}/api/v1${path}`, { headers: { authorization: `Bearer ${token}` } });
const query = async (text: string, values: unknown[] = []): Promise<Json[]> =>
  (await app.database.pool.query(text, values)).rows;
const post = (path: string, body?: unknown) =>
  fetch(`${app.url}/api/v1${path}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify(body ?? {}),
  });

describe('admin ops procedures are staff-only', () => {
  it.each(['/admin/jobs', '/admin/emails', '/admin/reconciliation'])(
    'refuses %s without a token',
    async (path) => {
      const res = await fetch(`${app.url}/api/v1${path}`);
      expect(res.status).toBe(401);
      expect((await json(res)).error.code).toBe('UNAUTHENTICATED');
    },
  );

  it('refuses the repair without a token', async () => {
    const res = await fetch(`${app.url}/api/v1/admin/reconciliation/repair`, { method: 'POST' });
    expect(res.status).toBe(401);
  });
});

describe('GET /admin/emails (F7)', () => {
  beforeEach(async () => {
    await app.database.db.delete(emailOutbox);
  });

  it('shows a permanently failing email as failed after the configured attempts', async () => {
    const clock = fixedClock(new Date(Date.now() + 60_000));
    const deps: OutboxDeliveryDeps = {
      ...app.deps,
      clock,
      emailSender: resendEmailSender({ apiKey: 're_test', baseUrl: resend.url }),
    };
    const opts = {
      fromEmail: 'shop@popbox.test',
      batchSize: 10,
      leaseMs: 60_000,
      backoff: { baseMs: 1000, maxMs: 10_000 },
    };
    resend.respond(() => ({ status: 500 }));
    await enqueueEmail(app.database.db, {
      kind: 'refund',
      to: 'buyer@popbox.test',
      subject: 'Your refund',
      html: '<p>secret body</p>',
      text: 'secret body',
      maxAttempts: 3,
    });
    for (let i = 0; i < 4; i++) {
      await deliverOutboxBatch(deps, opts);
      clock.advance(60_000);
    }

    const res = await get('/admin/emails?status=failed');
    expect(res.status).toBe(200);
    const body = await json(res);
    expect(body.items).toHaveLength(1);
    expect(body.items[0]).toMatchObject({
      kind: 'refund',
      to: 'buyer@popbox.test',
      subject: 'Your refund',
      status: 'failed',
      attempts: 3,
      maxAttempts: 3,
      sentAt: null,
      nextAttemptAt: null,
    });
    expect(body.items[0].lastError).toMatch(/500/);
    expect(body.items[0]).not.toHaveProperty('html');
    expect(body.items[0]).not.toHaveProperty('text');
    expect(JSON.stringify(body)).not.toContain('secret body');
    expect(body.nextCursor).toBeNull();
  });

  it('filters by status and pages newest first with a cursor', async () => {
    for (let i = 0; i < 5; i++) {
      await enqueueEmail(app.database.db, {
        kind: 'contact',
        to: 'a@popbox.test',
        subject: `m${i}`,
        html: 'h',
        text: 't',
      });
    }
    await query(`UPDATE email_outbox SET status = 'sent', sent_at = now() WHERE subject = 'm0'`);

    const queued = await json(await get('/admin/emails?status=queued'));
    expect(queued.items.map((e: Json) => e.subject).sort()).toEqual(['m1', 'm2', 'm3', 'm4']);
    expect(queued.items.every((e: Json) => e.nextAttemptAt !== null)).toBe(true);

    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: Json = await json(await get(`/admin/emails?limit=2${cursor ? `&cursor=${cursor}` : ''}`));
      expect(page.items.length).toBeLessThanOrEqual(2);
      seen.push(...page.items.map((e: Json) => e.id));
      cursor = page.nextCursor;
    } while (cursor);
    expect(seen).toHaveLength(5);
    expect(new Set(seen).size).toBe(5);
  });

  it('pages through rows created within the same millisecond without skipping any', async () => {
    for (let i = 0; i < 4; i++) {
      await enqueueEmail(app.database.db, {
        kind: 'contact',
        to: 'b@popbox.test',
        subject: `same-ms-${i}`,
        html: 'h',
        text: 't',
      });
    }
    // Microseconds apart, one millisecond: a cursor that keeps only milliseconds would skip rows.
    await query(
      `UPDATE email_outbox SET created_at = '2030-01-01T00:00:00.000100Z'::timestamptz + (substring(subject from 9)::int * interval '1 microsecond')
        WHERE subject LIKE 'same-ms-%'`,
    );
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: Json = await json(await get(`/admin/emails?limit=1${cursor ? `&cursor=${cursor}` : ''}`));
      seen.push(...page.items.map((e: Json) => e.subject));
      cursor = page.nextCursor;
    } while (cursor && seen.length < 50);
    expect(seen.filter((s) => s.startsWith('same-ms-'))).toEqual([
      'same-ms-3',
      'same-ms-2',
      'same-ms-1',
      'same-ms-0',
    ]);
  });

  it('rejects an unknown status and unknown query parameters', async () => {
    expect((await get('/admin/emails?status=lost')).status).toBe(400);
    const res = await get('/admin/emails?colour=red');
    expect(res.status).toBe(400);
    expect((await json(res)).error.code).toBe('VALIDATION_FAILED');
  });
});

describe('reconciliation (F14)', () => {
  it('reports injected drift, repairs it once under concurrent requests, with audit rows', async () => {
    const db = app.database.db;
    // Standard product: reserved says 5, active reservations say 2 (an expired one does not count).
    const standard = await makeProduct(db, { inventory: { onHand: 10, reserved: 5 } });
    const { order } = await makeOrder(db);
    await makeReservation(db, { orderId: order.id, productId: standard.id, quantity: 2 });
    await makeReservation(db, { orderId: order.id, productId: standard.id, quantity: 1, status: 'expired' });

    // Kuji board on sale (epoch 1 holds A1×1, B1×3 and promises the Last One). B1's remaining is written
    // below the epoch's undealt cards by hand, on_hand too; the deck says two positions were dealt, but no
    // ticket holds one.
    const { product: board, prizes } = await makeKujiProduct(db, {
      prizes: [
        { code: 'A1', quantity: 2, remaining: 1 },
        { code: 'B1', quantity: 3 },
        { code: 'LO', tier: 'LO', quantity: 1 },
      ],
    });
    const [, b1] = prizes;
    await db.transaction(async (tx) => {
      await lockKujiBoard(tx, board.id);
      await syncKujiBoard(
        tx,
        { random: systemRandom, clock: fixedClock(new Date()), beacon: fakeBeacon() },
        board.id,
      );
    });
    await query('UPDATE kuji_prizes SET remaining_quantity = 1 WHERE id = $1', [b1!.id]);
    await query('UPDATE product_inventory SET on_hand = 9 WHERE product_id = $1', [board.id]);
    await query('UPDATE kuji_decks SET next_position = 3, claimed_through = 2 WHERE product_id = $1', [
      board.id,
    ]);

    const report = await json(await get('/admin/reconciliation'));
    expect(report.clean).toBe(false);
    const byKind = (kind: string) => report.items.filter((i: Json) => i.kind === kind);
    expect(byKind('inventory_reserved')).toEqual([
      expect.objectContaining({
        productId: standard.id,
        recorded: 5,
        expected: 2,
        difference: 3,
        repairable: true,
      }),
    ]);
    expect(byKind('prize_remaining')).toEqual([
      expect.objectContaining({
        productId: board.id,
        prizeId: b1!.id,
        prizeCode: 'B1',
        recorded: 1,
        expected: 3,
      }),
    ]);
    expect(byKind('kuji_on_hand')).toEqual([
      expect.objectContaining({ productId: board.id, recorded: 9, expected: 2 }),
    ]);
    expect(byKind('deck_position')).toEqual([
      expect.objectContaining({ productId: board.id, recorded: 2, expected: 0, repairable: false }),
    ]);

    // Scoped to an unrelated product: nothing changes.
    const other = await makeProduct(db);
    const scoped = await json(await post('/admin/reconciliation/repair', { productIds: [other.id] }));
    expect(scoped.repaired).toEqual([]);

    const responses = await Promise.all(
      Array.from({ length: 4 }, () => post('/admin/reconciliation/repair')),
    );
    expect(responses.map((r) => r.status)).toEqual([200, 200, 200, 200]);
    const bodies = await Promise.all(responses.map((r) => json(r)));
    const repaired = bodies.flatMap((b) => b.repaired);
    expect(repaired.map((r: Json) => `${r.kind}:${r.before}->${r.after}`).sort()).toEqual([
      'inventory_reserved:5->2',
      'kuji_on_hand:9->4',
      'prize_remaining:1->3',
    ]);

    const counters = async (productId: string) =>
      (await query('SELECT on_hand, reserved FROM product_inventory WHERE product_id = $1', [productId]))[0];
    expect(await counters(standard.id)).toEqual({ on_hand: 10, reserved: 2 });
    expect(await counters(board.id)).toEqual({ on_hand: 4, reserved: 0 });
    const [prize] = await query('SELECT remaining_quantity FROM kuji_prizes WHERE id = $1', [b1!.id]);
    expect(prize.remaining_quantity).toBe(3);

    const audits: Json[] = (
      await query(`SELECT * FROM admin_audit_log WHERE action = 'reconciliation.repair' ORDER BY created_at`)
    ).map((a: Json) => ({
      ...a,
      actorUserId: a.actor_user_id,
      requestId: a.request_id,
      entityType: a.entity_type,
      entityId: a.entity_id,
    }));
    expect(audits).toHaveLength(3);
    expect(audits.every((a) => a.actorUserId === ADMIN_ID && a.requestId)).toBe(true);
    expect(audits.map((a) => [a.entityType, a.entityId]).sort()).toEqual(
      [
        ['kuji_prize', b1!.id],
        ['product_inventory', board.id],
        ['product_inventory', standard.id],
      ].sort(),
    );
    expect(audits.find((a) => a.entityId === standard.id)).toMatchObject({
      before: { counter: 'reserved', value: 5 },
      after: { counter: 'reserved', value: 2 },
    });

    // Only the deck mismatch is left, for a person to look at.
    const after = await json(await get('/admin/reconciliation'));
    expect(after.items.map((i: Json) => i.kind)).toEqual(['deck_position']);
  });

  it('rejects a malformed repair body', async () => {
    const res = await post('/admin/reconciliation/repair', { productIds: ['not-a-uuid'] });
    expect(res.status).toBe(400);
    expect((await json(res)).error.code).toBe('VALIDATION_FAILED');
  });
});

describe('GET /admin/jobs (F15)', () => {
  it("shows each job's schedule, last run, result and recent failures", async () => {
    await runRecordedJob(app.deps, 'reconcile-counters', async () => ({ clean: true, driftCount: 0 }));
    await expect(
      runRecordedJob(app.deps, 'deliver-email-outbox', async () => {
        throw new Error('database went away');
      }),
    ).rejects.toThrow();

    const res = await get('/admin/jobs');
    expect(res.status).toBe(200);
    const { items } = await json(res);
    expect(items.map((j: Json) => j.name)).toEqual([
      'expire-pending-orders',
      'release-expired-reservations',
      'deliver-email-outbox',
      'reconcile-counters',
      'deal-kuji-draws',
      'commit-kuji-boards',
      'send-alerts',
      'purge-idempotency-keys',
      'purge-job-runs',
    ]);
    const reconcile = items.find((j: Json) => j.name === 'reconcile-counters');
    expect(reconcile).toMatchObject({
      schedule: '*/15 * * * *',
      timezone: 'UTC',
      scheduleSource: 'default',
      lastRun: { status: 'succeeded', result: { clean: true, driftCount: 0 }, error: null },
      recentFailures: [],
    });
    expect(reconcile.lastRun.finishedAt).not.toBeNull();
    expect(reconcile.lastSuccessAt).toBe(reconcile.lastRun.startedAt);
    const outbox = items.find((j: Json) => j.name === 'deliver-email-outbox');
    expect(outbox.lastRun).toMatchObject({ status: 'failed', error: 'database went away' });
    expect(outbox.recentFailures).toHaveLength(1);
    expect(outbox.lastSuccessAt).toBeNull();
    expect(items.find((j: Json) => j.name === 'purge-job-runs').lastRun).toBeNull();
  });
});
