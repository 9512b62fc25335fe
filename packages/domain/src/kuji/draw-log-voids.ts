import { and, eq, inArray, isNotNull } from 'drizzle-orm';
import { kujiDrawLog, tickets, type Tx } from '@popbox/db';
import type { Deps } from '../shared/deps.js';
import { lockKujiBoard } from './board.queries.js';
import { appendLogEntry } from './draw-log.js';

/** Why dealt tickets were voided, as the public draw log states it. */
export type TicketVoidReason = 'refund' | 'forced_refund' | 'cancellation';

export interface AppendedVoid {
  productId: string;
  lineRef: string;
  epoch: number;
  seq: number;
  positions: number[];
  entryHash: string;
}

interface VoidedCard {
  productId: string;
  lineRef: string;
  epoch: number;
  drawSeq: number;
  position: number;
}

/**
 * Issue 12: every void of a dealt v2 ticket is public. For the order's voided dealt v2 tickets (position and
 * draw line set; optionally only `ticketIds`) whose positions no `void` entry of their line records yet, one
 * `void` entry per draw line is appended to the board's hash-chained log: the line's reference and epoch, the
 * number of tickets voided, their positions (ascending) and the reason. Call it in the transaction that voided
 * the tickets. Each board is locked first (inventory row, then deck row — the lock every append takes), so the
 * chain stays linear; boards are taken in id order. Idempotent: positions already logged are skipped. Legacy
 * and v1 tickets (no draw line) and pending tickets (no position) are never logged here.
 */
export async function appendTicketVoids(
  tx: Tx,
  deps: Pick<Deps, 'clock'>,
  input: { orderId: string; ticketIds?: readonly string[]; reason: TicketVoidReason },
): Promise<AppendedVoid[]> {
  if (input.ticketIds && !input.ticketIds.length) return [];
  const cards: VoidedCard[] = await tx
    .select({
      productId: kujiDrawLog.productId,
      lineRef: kujiDrawLog.lineRef,
      epoch: kujiDrawLog.epoch,
      drawSeq: kujiDrawLog.seq,
      position: tickets.deckPosition,
    })
    .from(tickets)
    .innerJoin(kujiDrawLog, eq(kujiDrawLog.id, tickets.drawLogId))
    .where(
      and(
        eq(tickets.orderId, input.orderId),
        isNotNull(tickets.voidedAt),
        isNotNull(tickets.deckPosition),
        input.ticketIds ? inArray(tickets.id, [...input.ticketIds]) : undefined,
      ),
    )
    .then((found) => found.map((c) => ({ ...c, lineRef: c.lineRef!, position: c.position! })));
  if (!cards.length) return [];

  const appended: AppendedVoid[] = [];
  const productIds = [...new Set(cards.map((c) => c.productId))].sort();
  for (const productId of productIds) {
    await lockKujiBoard(tx, productId);
    const board = cards.filter((c) => c.productId === productId);
    const logged = await loggedVoidPositions(tx, productId, [...new Set(board.map((c) => c.lineRef))]);
    const lines = groupByLine(board.filter((c) => !logged.get(c.lineRef)?.has(c.position)));
    for (const line of lines) {
      appended.push(await appendVoidEntry(tx, deps, productId, line, input.reason));
    }
  }
  return appended;
}

async function loggedVoidPositions(tx: Tx, productId: string, lineRefs: string[]) {
  const entries = await tx
    .select({ lineRef: kujiDrawLog.lineRef, positions: kujiDrawLog.voidPositions })
    .from(kujiDrawLog)
    .where(
      and(
        eq(kujiDrawLog.productId, productId),
        eq(kujiDrawLog.kind, 'void'),
        inArray(kujiDrawLog.lineRef, lineRefs),
      ),
    );
  const logged = new Map<string, Set<number>>();
  for (const e of entries) {
    const set = logged.get(e.lineRef!) ?? new Set<number>();
    for (const p of e.positions ?? []) set.add(p);
    logged.set(e.lineRef!, set);
  }
  return logged;
}

/** Lines in draw-log order, each with its positions ascending. */
function groupByLine(cards: VoidedCard[]) {
  const lines = new Map<string, { lineRef: string; epoch: number; drawSeq: number; positions: number[] }>();
  for (const c of cards) {
    const line = lines.get(c.lineRef) ?? {
      lineRef: c.lineRef,
      epoch: c.epoch,
      drawSeq: c.drawSeq,
      positions: [],
    };
    line.positions.push(c.position);
    lines.set(c.lineRef, line);
  }
  return [...lines.values()]
    .map((l) => ({ ...l, positions: [...new Set(l.positions)].sort((a, b) => a - b) }))
    .sort((a, b) => a.drawSeq - b.drawSeq);
}

async function appendVoidEntry(
  tx: Tx,
  deps: Pick<Deps, 'clock'>,
  productId: string,
  line: { lineRef: string; epoch: number; positions: number[] },
  reason: TicketVoidReason,
): Promise<AppendedVoid> {
  const appended = await appendLogEntry(tx, {
    productId,
    kind: 'void',
    epoch: line.epoch,
    lineRef: line.lineRef,
    ticketCount: line.positions.length,
    targetRound: null,
    commitment: null,
    voidPositions: line.positions,
    voidReason: reason,
    loggedAt: deps.clock.now(),
  });
  return {
    productId,
    lineRef: line.lineRef,
    epoch: line.epoch,
    seq: appended.seq,
    positions: line.positions,
    entryHash: appended.entryHash,
  };
}
