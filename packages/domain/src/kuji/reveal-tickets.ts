import { and, eq, isNotNull, isNull, sql } from 'drizzle-orm';
import { tickets, type Tx } from '@popbox/db';
import { rows } from '../shared/sql.js';
import { roundPublishedAt } from '../kuji-verifier/recipe-v2.js';
import type { Deps } from '../shared/deps.js';
import { DomainError, notFound } from '../shared/errors.js';
import { REVEAL_LOCK_WAIT_MS } from '../shared/constants.js';
import { authorizeGuestOrder } from '../orders/guest-access.js';
import type { OrderGrant } from '../orders/guest-tokens.js';
import { REVEALABLE_ORDER_STATUSES } from '../orders/order.state.js';
import { ticketCollection, ticketViews } from '../orders/ticket-views.js';
import { beginOrderAction } from '../order-admin/order-action.js';

type RevealDeps = Pick<Deps, 'db' | 'storage' | 'clock' | 'beacon'>;

/**
 * Issue 12: a ticket whose line waits for its beacon round has no prize yet, so there is nothing to reveal:
 * 409 KUJI_DRAW_PENDING, with Retry-After for when the round should be published and dealt.
 */
async function drawPending(tx: Tx, deps: Pick<Deps, 'clock' | 'beacon'>, where: ReturnType<typeof and>) {
  const [pending] = await rows<{ n: number; round: number | null }>(
    tx,
    sql`select count(*)::int as n, max(l.target_round)::int as round from tickets t
          join kuji_draw_log l on l.id = t.draw_log_id
         where ${where} and t.kuji_prize_id is null`,
  );
  if (!pending || pending.n === 0) return null;
  const publishedMs = roundPublishedAt(deps.beacon.chain(), pending.round ?? 0) * 1000;
  const retryAfterSeconds = Math.max(1, Math.ceil((publishedMs - deps.clock.now().getTime()) / 1000) + 2);
  return new DomainError(
    'KUJI_DRAW_PENDING',
    pending.n === 1
      ? 'This ticket is drawn with the randomness of a beacon round that is not dealt yet; try again shortly'
      : `${pending.n} tickets are drawn with the randomness of a beacon round that is not dealt yet; try again shortly`,
    { pendingTickets: pending.n, targetRound: pending.round, retryAfterSeconds },
  );
}

/**
 * Starts a reveal: the shared order action (its locks waited for at most REVEAL_LOCK_WAIT_MS, busy → 409
 * B11 step 1, and never under a refund at the provider) and the revealable-status rule (paid, packed, shipped).
 */
async function beginRevealAction(tx: Tx, orderId: string) {
  const order = await beginOrderAction(tx, orderId, { waitMs: REVEAL_LOCK_WAIT_MS });
  if (!REVEALABLE_ORDER_STATUSES.includes(order.status)) {
    throw new DomainError(
      'TICKETS_NOT_REVEALABLE',
      `Tickets cannot be revealed while the order is ${order.status}`,
      {
        status: order.status,
      },
    );
  }
}

/** Reveal one ticket (B11): idempotent; the prize was fixed at payment, revealing only shows it. */
export async function revealTicket(
  deps: RevealDeps,
  grants: OrderGrant[],
  publicId: string,
  ticketId: string,
) {
  const order = await authorizeGuestOrder(deps, grants, publicId);
  return deps.db.transaction(async (tx) => {
    await beginRevealAction(tx, order.id);
    const [ticket] = await tx
      .select({ id: tickets.id, revealedAt: tickets.revealedAt, voidedAt: tickets.voidedAt })
      .from(tickets)
      .where(and(eq(tickets.id, ticketId), eq(tickets.orderId, order.id)))
      .for('update');
    if (!ticket) throw notFound('Ticket');
    if (ticket.voidedAt) throw new DomainError('TICKET_VOIDED', 'This ticket was voided');
    const pending = await drawPending(tx, deps, sql`t.id = ${ticket.id}`);
    if (pending) throw pending;
    if (!ticket.revealedAt) {
      await tx.update(tickets).set({ revealedAt: deps.clock.now() }).where(eq(tickets.id, ticket.id));
    }
    const [view] = await ticketViews(tx, deps, { orderId: order.id, ticketId: ticket.id }, 'guest');
    return view!;
  });
}

/**
 * Reveal every unrevealed, non-voided, dealt ticket of the order; earlier reveal times are kept. Tickets still
 * waiting for their beacon round stay pending (status `pending` in the answer); when nothing could be revealed
 * because every unrevealed ticket is pending, 409 KUJI_DRAW_PENDING with Retry-After.
 */
export async function revealAllTickets(deps: RevealDeps, grants: OrderGrant[], publicId: string) {
  const order = await authorizeGuestOrder(deps, grants, publicId);
  return deps.db.transaction(async (tx) => {
    await beginRevealAction(tx, order.id);
    const revealed = await tx
      .update(tickets)
      .set({ revealedAt: deps.clock.now() })
      .where(
        and(
          eq(tickets.orderId, order.id),
          isNull(tickets.revealedAt),
          isNull(tickets.voidedAt),
          isNotNull(tickets.kujiPrizeId),
        ),
      )
      .returning({ id: tickets.id });
    if (revealed.length === 0) {
      const pending = await drawPending(tx, deps, sql`t.order_id = ${order.id} and t.revealed_at is null`);
      if (pending) throw pending;
    }
    return ticketCollection(await ticketViews(tx, deps, { orderId: order.id }, 'guest'));
  });
}

/** `GET /orders/{publicId}/tickets`: the collection view, prizes masked until revealed. */
export async function listGuestTickets(
  deps: Pick<Deps, 'db' | 'storage'>,
  grants: OrderGrant[],
  publicId: string,
) {
  const order = await authorizeGuestOrder(deps, grants, publicId);
  return ticketCollection(await ticketViews(deps.db, deps, { orderId: order.id }, 'guest'));
}
