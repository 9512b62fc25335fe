import { and, eq, isNotNull, isNull, sql } from 'drizzle-orm';
import { tickets, type Tx } from '@popbox/db';
import type { Deps } from '../shared/deps.js';
import { appendTicketVoids, type TicketVoidReason } from '../kuji/draw-log-voids.js';

/**
 * Voids the order's still-valid DEALT tickets (legacy, v1 and v2; existing void times and reasons kept) and
 * appends the public `void` entries of the v2 ones. Pending tickets (their line still waits for its beacon
 * round) are never voided by a refund: they are counted and left for a person to resolve. Returns how many
 * were voided and how many pending tickets were left alone.
 */
export async function voidRefundedTickets(
  deps: Pick<Deps, 'clock' | 'logger'>,
  tx: Tx,
  orderId: string,
  input: { reason: TicketVoidReason; text: string },
): Promise<{ voided: number; pendingLeft: number }> {
  const voided = await tx
    .update(tickets)
    .set({ voidedAt: deps.clock.now(), voidReason: input.text.slice(0, 255) })
    .where(and(eq(tickets.orderId, orderId), isNull(tickets.voidedAt), isNotNull(tickets.kujiPrizeId)))
    .returning({ id: tickets.id });
  if (voided.length) {
    await appendTicketVoids(tx, deps, { orderId, ticketIds: voided.map((t) => t.id), reason: input.reason });
  }
  const [pending] = await tx
    .select({ n: sql<number>`count(*)::int` })
    .from(tickets)
    .where(and(eq(tickets.orderId, orderId), isNull(tickets.voidedAt), isNull(tickets.kujiPrizeId)));
  const pendingLeft = pending?.n ?? 0;
  if (pendingLeft) {
    deps.logger.warn(
      { orderId, pendingLeft },
      'refunded order still holds pending kuji tickets; they are not voided by a refund',
    );
  }
  return { voided: voided.length, pendingLeft };
}
