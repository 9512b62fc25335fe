import { eq } from 'drizzle-orm';
import { orders } from '@popbox/db';
import type { Deps } from '../shared/deps.js';
import { DomainError } from '../shared/errors.js';
import { recordAudit, type AdminActor } from '../audit/record-audit.js';
import { ADMIN_STATUS_MOVES, assertOrderTransition, type AdminStatusTarget } from '../orders/order.state.js';
import { releaseOrderReservations } from '../inventory/reservations.queries.js';
import { beginOrderAction } from './order-action.js';
import { getAdminOrderDetail } from './admin-order-detail.js';

type StatusDeps = Pick<Deps, 'db' | 'clock' | 'storage' | 'payments' | 'logger'>;

/**
 * B14 status update with security rule 9 and F6: pack (paid → packed), ship (packed → shipped; no shipment
 * row, no email) or cancel an unpaid order (pending_payment → cancelled; its stock goes back as `released`).
 * Under the order action lock and row lock; anything else is 409 INVALID_TRANSITION naming the current
 * status. A cancelled order's payment session is closed at the provider after the commit (F6).
 */
export async function updateOrderStatus(
  deps: StatusDeps,
  actor: AdminActor,
  input: { id: string; status: AdminStatusTarget },
) {
  const target = input.status;
  const { detail, sessionToClose } = await deps.db.transaction(async (tx) => {
    const order = await beginOrderAction(tx, input.id);
    const requiredFrom = ADMIN_STATUS_MOVES[target];
    if (order.status !== requiredFrom) {
      throw new DomainError(
        'INVALID_TRANSITION',
        target === 'cancelled'
          ? `Only unpaid orders can be cancelled (this one is ${order.status})`
          : `An order can be ${target} only from ${requiredFrom} (this one is ${order.status})`,
        { status: order.status, requested: target },
      );
    }
    assertOrderTransition(order.status, target);
    const now = deps.clock.now();
    if (target === 'cancelled') await releaseOrderReservations(tx, order.id, 'released');
    await tx
      .update(orders)
      .set({ status: target, ...(target === 'cancelled' ? { cancelledAt: now } : {}) })
      .where(eq(orders.id, order.id));
    await recordAudit(tx, actor, {
      action: 'order.status_update',
      entityType: 'order',
      entityId: order.id,
      before: { status: order.status },
      after: { status: target },
    });
    return {
      detail: await getAdminOrderDetail(deps, order.id, tx),
      sessionToClose: target === 'cancelled' ? order.stripeCheckoutSessionId : null,
    };
  });
  if (sessionToClose) await closeSession(deps, sessionToClose);
  return detail;
}

/** F6: "not found" and "no longer open" are answers; a failure is logged (the cancel has committed). */
async function closeSession(deps: Pick<Deps, 'payments' | 'logger'>, sessionId: string) {
  try {
    await deps.payments.expireCheckoutSession(sessionId);
  } catch (err) {
    deps.logger.warn({ err, sessionId }, 'could not expire the payment session of a cancelled order');
  }
}
