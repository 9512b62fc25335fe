import { and, eq, sql } from 'drizzle-orm';
import { kujiBeaconRounds, kujiDeckEpochs, kujiDecks, type Tx } from '@popbox/db';
import type { Deps } from '../shared/deps.js';
import { rows, uuidArray } from '../shared/sql.js';
import { BeaconUnavailableError, type BeaconRound } from '../ports/beacon.js';
import {
  currentRound,
  drawLine,
  orderLinesOfRound,
  type CardEntry,
  type LastOneEntry,
} from '../kuji-verifier/recipe-v2.js';
import { lockKujiBoard } from './board.queries.js';
import { touchKujiBoard } from './draw-log.js';
import { revealEpoch } from './epochs.js';
import { voidRefundedTickets } from '../refunds/void-refunded-tickets.js';
import { LAST_ONE_TIER } from './prize.rules.js';

export type DealDeps = Pick<Deps, 'db' | 'clock' | 'logger' | 'beacon'>;

export interface DealResult {
  boards: number;
  linesDealt: number;
  cardsDealt: number;
  /** Lines whose round is published (by the clock) but whose randomness could not be fetched. */
  linesWaitingForBeacon: number;
  /** Seconds since the oldest such round was due (0 when none wait). */
  beaconLagSeconds: number;
  /** The oldest published round lines still wait for. */
  oldestWaitingRound: number | null;
  beaconError: string | null;
}

interface PendingLine {
  id: string;
  lineRef: string;
  ticketCount: number;
  targetRound: number;
  epoch: number;
  orderItemId: string | null;
}

/** A round's randomness: from the store when already fetched, else from the beacon (verified), then stored. */
async function roundRandomness(
  deps: DealDeps,
  chainHash: string,
  round: number,
): Promise<BeaconRound | null> {
  const [stored] = await deps.db
    .select()
    .from(kujiBeaconRounds)
    .where(and(eq(kujiBeaconRounds.chainHash, chainHash), eq(kujiBeaconRounds.round, round)));
  if (stored) return { round, randomness: stored.randomness, signature: stored.signature };
  const fetched = await deps.beacon.round(round);
  if (!fetched) return null;
  await deps.db
    .insert(kujiBeaconRounds)
    .values({ chainHash, round, randomness: fetched.randomness, signature: fetched.signature })
    .onConflictDoNothing();
  return fetched;
}

/**
 * Deals, in order, every line of one board whose round randomness is available (issue 12, recipe v2):
 * rounds ascending; within a round, lines in the order derived from its randomness; each line draws its cards
 * without replacement from the epoch's undealt cards (the prizes' remaining counts) with its own stream. The
 * line taking the epoch's final card gets the Last One prize (only while the epoch promises it) and the seed
 * is revealed. Idempotent: lines are re-read under the board lock, so a second dealer finds nothing to do.
 */
async function dealBoard(
  tx: Tx,
  deps: DealDeps,
  productId: string,
  randomness: Map<number, BeaconRound>,
): Promise<{ lines: number; cards: number }> {
  await lockKujiBoard(tx, productId);
  const pending = await rows<PendingLine>(
    tx,
    sql`select id, line_ref as "lineRef", ticket_count as "ticketCount", target_round::int as "targetRound",
               epoch, order_item_id as "orderItemId"
          from kuji_draw_log
         where product_id = ${productId} and kind = 'draw' and dealt_at is null
         order by target_round, seq`,
  );
  let lines = 0;
  let cards = 0;
  const rounds = [...new Set(pending.map((l) => l.targetRound))].sort((a, b) => a - b);
  let dealtThrough = 0;
  for (const round of rounds) {
    const beacon = randomness.get(round);
    if (!beacon) break; // later rounds must wait for this one: the order of deals is part of the recipe
    dealtThrough = round;
    const ordered = await orderLinesOfRound(
      beacon.randomness,
      pending.filter((l) => l.targetRound === round),
    );
    for (const line of ordered) {
      await dealLine(tx, deps, productId, line, beacon);
      lines += 1;
      cards += line.ticketCount;
    }
  }
  if (lines > 0) {
    await tx.execute(
      sql`update kuji_decks set last_dealt_round = greatest(last_dealt_round, ${dealtThrough}) where product_id = ${productId}`,
    );
    await touchKujiBoard(tx, productId);
  }
  return { lines, cards };
}

async function dealLine(tx: Tx, deps: DealDeps, productId: string, line: PendingLine, beacon: BeaconRound) {
  const [deck] = await tx.select().from(kujiDecks).where(eq(kujiDecks.productId, productId));
  const [epoch] = await tx
    .select()
    .from(kujiDeckEpochs)
    .where(and(eq(kujiDeckEpochs.productId, productId), eq(kujiDeckEpochs.epoch, line.epoch)));
  if (!deck || !epoch) throw new Error(`board ${productId} has no epoch ${line.epoch}`);

  // The epoch's undealt cards, in manifest order: the prizes' remaining counts (kept equal by dealing and by
  // epoch changes; the reconciliation checks it against manifest − dealt tickets).
  const manifest = epoch.manifest as CardEntry[];
  const remaining = await rows<{ id: string; remaining: number }>(
    tx,
    sql`select id, remaining_quantity as remaining from kuji_prizes
         where id = any(${uuidArray(manifest.map((e) => e.prizeId))}) for update`,
  );
  const byId = new Map(remaining.map((r) => [r.id, r.remaining]));
  const undealt = manifest.map((e) => ({ prizeId: e.prizeId, count: byId.get(e.prizeId) ?? 0 }));
  const drawn = await drawLine(epoch.seedHex, beacon.randomness, line.lineRef, undealt, line.ticketCount);
  const first = deck.nextPosition;
  const positions = drawn.map((_, i) => first + i);

  const ticketIds = await rows<{ id: string }>(
    tx,
    sql`select id from tickets where draw_log_id = ${line.id} order by ticket_number for update`,
  );
  if (ticketIds.length !== line.ticketCount) {
    throw new Error(`line ${line.lineRef} has ${ticketIds.length} tickets, expected ${line.ticketCount}`);
  }
  await tx.execute(sql`
    UPDATE tickets t SET kuji_prize_id = c.prize_id, deck_position = c.position
      FROM unnest(${uuidArray(ticketIds.map((t) => t.id))}, ${uuidArray(drawn)},
                  ${sql.param(positions)}::int[]) AS c(id, prize_id, position)
     WHERE t.id = c.id`);
  await tx.execute(sql`
    UPDATE kuji_prizes p SET remaining_quantity = p.remaining_quantity - d.n
      FROM (SELECT prize_id, count(*)::int AS n FROM unnest(${uuidArray(drawn)}) AS prize_id GROUP BY prize_id) d
     WHERE p.id = d.prize_id`);

  const finalCard = undealt.every((e) => e.count === 0);
  const lastOne = epoch.lastOne as LastOneEntry | null;
  let wonLastOne = false;
  if (finalCard && lastOne && lastOne.count === 1) {
    // One Last One, ever: only while its prize is still on the board.
    const awarded = await rows<{ id: string }>(
      tx,
      sql`UPDATE kuji_prizes SET remaining_quantity = remaining_quantity - 1
           WHERE id = ${lastOne.prizeId} AND remaining_quantity > 0 AND prize_tier = ${LAST_ONE_TIER}
          RETURNING id`,
    );
    wonLastOne = awarded.length > 0;
    if (wonLastOne && line.orderItemId) {
      await tx.execute(sql`
        UPDATE orders SET includes_last_one_prize = true
         WHERE id = (SELECT order_id FROM order_items WHERE id = ${line.orderItemId})`);
    }
  }
  await tx.execute(sql`
    UPDATE kuji_draw_log SET first_position = ${first}, won_last_one = ${wonLastOne}, dealt_at = ${deps.clock.now()}
     WHERE id = ${line.id}`);
  await tx
    .update(kujiDecks)
    .set({ nextPosition: first + drawn.length })
    .where(eq(kujiDecks.productId, productId));
  if (finalCard) await revealEpoch(tx, deps, epoch.id, 'sold_out');

  // A line whose order was fully refunded while it waited (e.g. from the provider's dashboard) is still dealt —
  // voids never change a deal — and its tickets are voided at once, in public.
  if (line.orderItemId) {
    const [order] = await rows<{ id: string; status: string }>(
      tx,
      sql`select o.id, o.status from orders o join order_items i on i.order_id = o.id where i.id = ${line.orderItemId}`,
    );
    if (order?.status === 'refunded') {
      await voidRefundedTickets(deps, tx, order.id, { reason: 'refund', text: 'Order refunded' });
    }
  }
}

/**
 * The jobs app's dealer: for every board with lines whose target round is published, fetch (and verify)
 * those rounds from the beacon OUTSIDE any transaction, then deal each board in its own transaction. A beacon
 * outage leaves the lines waiting (never local randomness); the result says how long they have waited.
 */
export async function dealDueKujiLines(deps: DealDeps): Promise<DealResult> {
  const chain = deps.beacon.chain();
  const nowMs = deps.clock.now().getTime();
  const latest = currentRound(chain, nowMs);
  const due = await rows<{ productId: string; round: number; chainHash: string }>(
    deps.db,
    sql`select distinct l.product_id as "productId", l.target_round::int as round, e.beacon_chain_hash as "chainHash"
          from kuji_draw_log l
          join kuji_deck_epochs e on e.product_id = l.product_id and e.epoch = l.epoch
         where l.kind = 'draw' and l.dealt_at is null and l.target_round <= ${latest}
         order by 1, 2`,
  );
  const result: DealResult = {
    boards: 0,
    linesDealt: 0,
    cardsDealt: 0,
    linesWaitingForBeacon: 0,
    beaconLagSeconds: 0,
    oldestWaitingRound: null,
    beaconError: null,
  };
  const byBoard = new Map<string, Array<{ round: number; chainHash: string }>>();
  for (const d of due) byBoard.set(d.productId, [...(byBoard.get(d.productId) ?? []), d]);

  for (const [productId, rounds] of byBoard) {
    const randomness = new Map<number, BeaconRound>();
    for (const { round, chainHash } of rounds) {
      if (chainHash !== chain.hash) {
        result.beaconError = `board ${productId} waits for chain ${chainHash}, this beacon serves ${chain.hash}`;
        break;
      }
      try {
        const beacon = await roundRandomness(deps, chainHash, round);
        if (!beacon) break;
        randomness.set(round, beacon);
      } catch (error) {
        result.beaconError =
          error instanceof BeaconUnavailableError || error instanceof Error ? error.message : String(error);
        deps.logger.warn({ err: error, productId, round }, 'beacon round unavailable; draws wait');
        break;
      }
    }
    if (randomness.size > 0) {
      const dealt = await deps.db.transaction((tx) => dealBoard(tx, deps, productId, randomness));
      result.boards += 1;
      result.linesDealt += dealt.lines;
      result.cardsDealt += dealt.cards;
    }
  }

  const waiting = await rows<{ n: number; oldest: number | null }>(
    deps.db,
    sql`select count(*)::int as n, min(target_round)::int as oldest from kuji_draw_log
         where kind = 'draw' and dealt_at is null and target_round <= ${latest}`,
  );
  const w = waiting[0];
  if (w && w.n > 0 && w.oldest !== null) {
    result.linesWaitingForBeacon = w.n;
    result.oldestWaitingRound = w.oldest;
    const dueAt = (chain.genesisTime + (w.oldest - 1) * chain.periodSeconds) * 1000;
    result.beaconLagSeconds = Math.max(0, Math.round((deps.clock.now().getTime() - dueAt) / 1000));
  }
  return result;
}

/** The dealer's cheap check: is any paid line's round published but not dealt? (partial index) */
export async function hasDueKujiDraws(deps: Pick<Deps, 'db' | 'clock' | 'beacon'>): Promise<boolean> {
  const latest = currentRound(deps.beacon.chain(), deps.clock.now().getTime());
  const [row] = await rows<{ due: boolean }>(
    deps.db,
    sql`select exists(select 1 from kuji_draw_log
                       where kind = 'draw' and dealt_at is null and target_round <= ${latest}) as due`,
  );
  return row?.due ?? false;
}
