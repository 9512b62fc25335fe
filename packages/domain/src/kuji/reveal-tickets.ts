import { and, eq, isNull } from 'drizzle-orm';
import { tickets, type Tx } from '@popbox/db';
import type { Deps } from '../shared/deps.js';
import { DomainError, notFound } from '../shared/errors.js';
import { REVEAL_LOCK_WAIT_MS } from '../shared/constants.js';
import { authorizeGuestOrder } from '../orders/guest-access.js';
import type { OrderGrant } from '../orders/guest-tokens.js';
import { REVEALABLE_ORDER_STATUSES } from '../orders/order.state.js';
import { ticketCollection, ticketViews } from '../orders/ticket-views.js';
import { beginOrderAction } from '../order-admin/order-action.js';

type RevealDeps = Pick<Deps, 'db' | 'storage' | 'clock'>;

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
    if (!ticket.revealedAt) {
      await tx.update(tickets).set({ revealedAt: deps.clock.now() }).where(eq(tickets.id, ticket.id));
    }
    const [view] = await ticketViews(tx, deps, { orderId: order.id, ticketId: ticket.id }, 'guest');
    return view!;
  });
}

/** Reveal every unrevealed, non-voided ticket of the order; earlier reveal times are kept. Always 200. */
export async function revealAllTickets(deps: RevealDeps, grants: OrderGrant[], publicId: string) {
  const order = await authorizeGuestOrder(deps, grants, publicId);
  return deps.db.transaction(async (tx) => {
    await beginRevealAction(tx, order.id);
    await tx
      .update(tickets)
      .set({ revealedAt: deps.clock.now() })
      .where(and(eq(tickets.orderId, order.id), isNull(tickets.revealedAt), isNull(tickets.voidedAt)));
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
