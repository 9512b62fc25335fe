import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dealKujiDrawsNow, makeKujiProduct } from '@popbox/domain/testing';
import { verifyBoard, type FairnessDocument } from '@popbox/domain/kuji-verifier';
import { startTestApp, type TestApp } from './support/test-app.js';
import { adminClient } from './support/admin.js';
import { json } from './support/http.js';
import { postCheckout, sql } from './support/checkout.js';

/**
 * Issue 12 defect 9: a 100,000-card board used to hit PostgreSQL's 65,535-parameter limit at its first sale
 * (the whole pre-shuffled deck in one INSERT) and every deal read the whole undealt deck. Recipe v2 stores no
 * card rows: an epoch is its manifest, and a deal touches one row per prize line and one per ticket.
 */
let app: TestApp;
beforeAll(async () => {
  app = await startTestApp();
});
afterAll(() => app?.close());

async function pay(productId: string, quantity: number) {
  const res = await postCheckout(app, { items: [{ productId, quantity }] }, randomUUID());
  expect(res.status).toBe(201);
  const { sessionId } = (await json(res)) as { sessionId: string };
  const paid = await fetch(`${app.url}/dev/checkout/${sessionId}/pay`, {
    method: 'POST',
    redirect: 'manual',
  });
  expect(paid.status).toBe(303);
}

describe('a 100,000-card kuji board', () => {
  it('goes on sale, sells, deals, changes epoch and verifies without a row per card', async () => {
    const { product, prizes } = await makeKujiProduct(app.database.db, {
      prizes: [
        { code: 'A1', quantity: 10 },
        { code: 'B1', quantity: 990 },
        { code: 'C1', quantity: 99_000 },
        { code: 'LO', tier: 'LO', quantity: 1 },
      ],
    });
    const doc = await json(await fetch(`${app.url}/api/v1/kuji/${product.slug}/fairness`));
    expect(doc).toMatchObject({ totalCards: 100_000, remainingCards: 100_000 });
    expect(doc.epochs[0].manifest.map((e: { count: number }) => e.count)).toEqual([10, 990, 99_000]);

    await pay(product.id, 20);
    await pay(product.id, 7);
    await dealKujiDrawsNow(app.database.db);
    const tickets = await sql(
      app,
      `SELECT deck_position FROM tickets WHERE kuji_product_id = $1 AND deck_position IS NOT NULL ORDER BY 1`,
      [product.id],
    );
    expect(tickets.map((t) => t.deck_position)).toEqual(Array.from({ length: 27 }, (_, i) => i + 1));
    // No card rows: neither the epoch nor the deal wrote one per card.
    const [cards] = await sql(app, `SELECT count(*)::int AS n FROM kuji_deck_cards WHERE product_id = $1`, [
      product.id,
    ]);
    expect(cards!.n).toBe(0);

    // An admin withdrawal mid-sale closes the epoch and opens a new one over the 99,973 undealt cards.
    const admin = await adminClient(app);
    const c1 = prizes.find((p) => p.prizeCode === 'C1')!;
    const [c1Now] = await sql(app, `SELECT remaining_quantity AS r FROM kuji_prizes WHERE id = $1`, [c1.id]);
    const lowered = await admin.call('PATCH', `/admin/products/${product.id}/kuji-prizes/${c1.id}`, {
      remainingQuantity: Number(c1Now!.r) - 1000,
    });
    expect(lowered.status).toBe(200);
    await pay(product.id, 5);
    await dealKujiDrawsNow(app.database.db);

    const after = (await json(
      await fetch(`${app.url}/api/v1/kuji/${product.slug}/fairness`),
    )) as unknown as FairnessDocument & { dealtCards: number; totalCards: number };
    expect(after.epochs).toHaveLength(2);
    expect(after.epochs[0]!.seedHex).toMatch(/^[0-9a-f]{64}$/);
    expect(after.epochs[1]!.changes).toEqual([
      expect.objectContaining({ code: 'C1', after: expect.any(Number), before: expect.any(Number) }),
    ]);
    expect(after.dealtCards).toBe(32);
    expect(after.totalCards).toBe(99_000);
    const verdict = await verifyBoard(after);
    expect(verdict.problems).toEqual([]);
    expect(verdict.lines.filter((l) => l.status === 'verified')).toHaveLength(2);
    expect(verdict.lines.filter((l) => l.status === 'dealt')).toHaveLength(1);
  });
});
