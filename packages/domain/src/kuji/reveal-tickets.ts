import { and, eq, isNull } from 'drizzle-orm';
import { orders, tickets, type Tx } from '@popbox/db';
import type { Deps } from '../shared/deps.js';
import { DomainError, notFound } from '../shared/errors.js';
import { orderActionLock, tryTransactionLock } from '../shared/locks.js';
import { authorizeGuestOrder } from '../orders/guest-access.js';
import type { OrderGrant } from '../orders/guest-tokens.js';
import { REVEALABLE_ORDER_STATUSES } from '../orders/order.state.js';
import { ticketCollection, ticketViews } from '../orders/ticket-views.js';
import { refundInFlight } from '../refunds/refund-intents.queries.js';

type RevealDeps = Pick<Deps, 'db' | 'storage' | 'clock'>;

/**
 * Starts a per-order action: the order's transaction-scoped action lock (busy → 409, B11 step 1) and the
 * revealable-status rule (paid, packed, shipped).
 */
async function beginOrderAction(tx: Tx, orderId: string) {
  // A refund holds the order for its whole run, provider call included (B14 step 1): its in-flight mark
  // stands for the lock while no transaction is open, so no ticket is revealed under a refund.
  if (!(await tryTransactionLock(tx, orderActionLock(orderId))) || (await refundInFlight(tx, orderId))) {
    throw new DomainError('ORDER_BUSY', 'Another action on this order is in progress; retry shortly', {
      retryAfterSeconds: 1,
    });
  }
  const [order] = await tx.select({ status: orders.status }).from(orders).where(eq(orders.id, orderId));
  if (!order) throw notFound('Order');
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
    await beginOrderAction(tx, order.id);
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
    await beginOrderAction(tx, order.id);
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
