import { and, asc, eq, type SQL } from 'drizzle-orm';
import { kujiDeckEpochs, kujiDrawLog, kujiPrizes, products, tickets, type Executor } from '@popbox/db';
import type { Deps } from '../shared/deps.js';
import { primaryImagesFor } from '../catalog/primary-images.js';
import type { OrderViewAudience } from './order-view.js';

/**
 * B11 TicketView rows of one order (or one ticket). Guests never see the prize of an unrevealed ticket
 * (security rule 7); admins see everything plus the deck epoch and position (F12).
 */
export async function ticketViews(
  db: Executor,
  deps: Pick<Deps, 'storage'>,
  where: { orderId: string; ticketId?: string },
  audience: OrderViewAudience,
) {
  const conditions: SQL[] = [eq(tickets.orderId, where.orderId)];
  if (where.ticketId) conditions.push(eq(tickets.id, where.ticketId));
  const rows = await db
    .select({
      ticket: tickets,
      prize: {
        id: kujiPrizes.id,
        name: kujiPrizes.name,
        description: kujiPrizes.description,
        imageUrl: kujiPrizes.imageUrl,
        prizeCode: kujiPrizes.prizeCode,
        prizeTier: kujiPrizes.prizeTier,
      },
      product: { id: products.id, name: products.name, slug: products.slug },
      epoch: kujiDeckEpochs.epoch,
      line: { lineRef: kujiDrawLog.lineRef, targetRound: kujiDrawLog.targetRound },
    })
    .from(tickets)
    .leftJoin(kujiPrizes, eq(kujiPrizes.id, tickets.kujiPrizeId))
    .leftJoin(kujiDrawLog, eq(kujiDrawLog.id, tickets.drawLogId))
    .innerJoin(products, eq(products.id, tickets.kujiProductId))
    .leftJoin(kujiDeckEpochs, eq(kujiDeckEpochs.id, tickets.deckEpochId))
    .where(and(...conditions))
    .orderBy(asc(tickets.createdAt), asc(tickets.id));
  const images = await primaryImagesFor(
    db,
    rows.map((r) => r.product.id),
  );
  return rows.map(({ ticket, prize, product, epoch, line }) => {
    const image = images.get(product.id);
    const hidden = audience === 'guest' && !ticket.revealedAt;
    const status = ticket.voidedAt ? 'voided' : ticket.kujiPrizeId ? 'dealt' : 'pending';
    return {
      id: ticket.id,
      ticketNumber: ticket.ticketNumber,
      status: status as 'pending' | 'dealt' | 'voided',
      lineRef: line?.lineRef ?? null,
      epoch: epoch ?? null,
      position: ticket.deckPosition,
      targetRound: line?.targetRound ?? null,
      revealedAt: ticket.revealedAt?.toISOString() ?? null,
      voidedAt: ticket.voidedAt?.toISOString() ?? null,
      voidReason: ticket.voidReason,
      prize: hidden || !prize?.id ? null : prize,
      kujiProduct: {
        id: product.id,
        name: product.name,
        slug: product.slug,
        imageUrl: image ? deps.storage.publicUrl(image.storageKey) : null,
        imageAltText: image?.altText ?? product.name,
      },
      createdAt: ticket.createdAt.toISOString(),
      ...(audience === 'admin' ? { deckEpoch: epoch, deckPosition: ticket.deckPosition } : {}),
    };
  });
}

export type TicketView = Awaited<ReturnType<typeof ticketViews>>[number];

/** `{tickets, revealed, unrevealed, counts}` — the two lists partition `tickets` by revealedAt. */
export function ticketCollection(views: TicketView[]) {
  const revealed = views.filter((t) => t.revealedAt !== null);
  const unrevealed = views.filter((t) => t.revealedAt === null);
  return {
    tickets: views,
    revealed,
    unrevealed,
    counts: { total: views.length, revealed: revealed.length, unrevealed: unrevealed.length },
  };
}
