import { eq, sql } from 'drizzle-orm';
import { orders } from '@popbox/db';
import type { Deps } from '../shared/deps.js';
import { DomainError } from '../shared/errors.js';
import { recordAudit, type AdminActor } from '../audit/record-audit.js';
import { enqueueEmail } from '../email/outbox.js';
import { accessLinkEmail } from '../email/templates/access-link.js';
import { orderRecipient } from './order-recipient.js';
import { beginOrderAction } from './order-action.js';

/**
 * F8: bumps the order's access-token version — every earlier emailed link and every session cookie granted
 * for the order stop working at once — and returns a fresh link, also emailed to the buyer when asked
 * (422 when there is no deliverable address; then nothing changes). Audited without the link itself.
 */
export async function issueAccessLink(
  deps: Pick<Deps, 'db' | 'clock' | 'config'>,
  actor: AdminActor,
  input: { id: string; sendEmail?: boolean | undefined },
) {
  return deps.db.transaction(async (tx) => {
    const order = await beginOrderAction(tx, input.id);
    const [bumped] = await tx
      .update(orders)
      .set({ accessTokenVersion: sql`${orders.accessTokenVersion} + 1` })
      .where(eq(orders.id, order.id))
      .returning({ accessTokenVersion: orders.accessTokenVersion });
    const version = bumped!.accessTokenVersion;
    const to = await orderRecipient(deps, tx, order.id);
    if (input.sendEmail) {
      if (!to.email) {
        throw new DomainError('UNDELIVERABLE_EMAIL', 'This order has no deliverable customer email');
      }
      await enqueueEmail(tx, {
        kind: 'access_link',
        to: to.email,
        orderId: order.id,
        ...accessLinkEmail({ publicId: to.publicId, firstName: to.firstName }, to.orderUrl),
      });
    }
    await recordAudit(tx, actor, {
      action: 'order.access_link_reissue',
      entityType: 'order',
      entityId: order.id,
      before: { accessTokenVersion: order.accessTokenVersion },
      after: { accessTokenVersion: version, emailed: !!input.sendEmail },
    });
    return {
      id: order.id,
      publicId: order.publicId,
      accessTokenVersion: version,
      url: to.orderUrl,
      emailQueued: !!input.sendEmail,
    };
  });
}
