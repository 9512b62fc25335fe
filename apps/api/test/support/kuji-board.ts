import { randomUUID } from 'node:crypto';
import { dealDueKujiLines } from '@popbox/domain';
import { makeKujiProduct } from '@popbox/domain/testing';
import { postCheckout, sql } from './checkout.js';
import { json } from './http.js';
import type { TestApp } from './test-app.js';

/** 12 cards and a Last One: small enough to sell out in a few seconds of local beacon rounds. */
export const SMALL_BOARD = [
  { code: 'A1', quantity: 1 },
  { code: 'B1', quantity: 3 },
  { code: 'C1', quantity: 8 },
  { code: 'LO', tier: 'LO', quantity: 1, name: 'Last One: big plush' },
];

export interface SoldTicket {
  lineRef: string;
  position: number;
  prizeId: string;
}

/**
 * A kuji board sold through the real money path (sold out with the default counts): each buyer checks out
 * `counts[i]` draws and pays on the local simulator (its signed webhook logs the line with a target beacon
 * round), then the jobs app's dealer deals every line with the test beacon. Answers the board's slug and the
 * tickets as buyers hold them.
 */
export async function sellKujiBoard(
  app: TestApp,
  counts = [3, 4, 5],
): Promise<{ slug: string; productId: string; tickets: SoldTicket[] }> {
  const { product } = await makeKujiProduct(app.database.db, { prizes: SMALL_BOARD });
  for (const quantity of counts) {
    const checkout = await postCheckout(app, { items: [{ productId: product.id, quantity }] }, randomUUID());
    if (checkout.status !== 201) throw new Error(`checkout answered ${checkout.status}`);
    const { sessionId } = (await json(checkout)) as { sessionId: string };
    const paid = await fetch(`${app.url}/dev/checkout/${sessionId}/pay`, {
      method: 'POST',
      redirect: 'manual',
    });
    if (paid.status !== 303) throw new Error(`pay answered ${paid.status}`);
  }
  const until = Date.now() + 20_000;
  for (;;) {
    await dealDueKujiLines(app.deps);
    const [{ n }] = (await sql(
      app,
      `SELECT count(*)::int AS n FROM kuji_draw_log WHERE product_id = $1 AND kind = 'draw' AND dealt_at IS NULL`,
      [product.id],
    )) as [{ n: number }];
    if (n === 0) break;
    if (Date.now() > until) throw new Error(`${n} lines still undealt`);
    await new Promise((r) => setTimeout(r, 200));
  }
  const tickets = (await sql(
    app,
    `SELECT l.line_ref AS "lineRef", t.deck_position AS position, t.kuji_prize_id AS "prizeId"
       FROM tickets t JOIN kuji_draw_log l ON l.id = t.draw_log_id
      WHERE t.kuji_product_id = $1 ORDER BY t.deck_position`,
    [product.id],
  )) as unknown as SoldTicket[];
  return { slug: product.slug, productId: product.id, tickets };
}
