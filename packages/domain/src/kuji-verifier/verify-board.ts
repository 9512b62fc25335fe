/**
 * Verifies a whole kuji board (and a single ticket) from its public fairness document alone: the hash-chained
 * draw log, the epoch commitments and revealed seeds, every beacon round's BLS signature, and a replay of
 * every deal (RECIPE.md). Pure and browser-safe (Web Crypto + @noble/curves).
 */
import { beaconRandomness, verifyBeaconRound } from './beacon-signature.js';
import type {
  FairnessDocument,
  FairnessEpoch,
  FairnessLogEntry,
  FairnessRound,
} from './fairness-document.js';
import {
  GENESIS_HASH,
  TARGET_ROUND_MARGIN_MS,
  computeCommitmentV2,
  drawLine,
  logEntryHash,
  orderLinesOfRound,
  roundPublishedAt,
} from './recipe-v2.js';
import { verifyEpoch } from './v1.js';

export type LineStatus = 'pending' | 'dealt' | 'verified';

export interface LineVerification {
  lineRef: string;
  epoch: number;
  seq: number;
  ticketCount: number;
  targetRound: number | null;
  /** Positions the replay gives the line (null while pending). */
  positions: number[] | null;
  /**
   * pending: waiting for its beacon round; dealt: positions checked, prizes not checkable until the epoch's
   * seed is revealed; verified: the replayed prizes equal the cards the tickets hold.
   */
  status: LineStatus;
  ok: boolean;
  problems: string[];
}

export interface EpochVerification {
  epoch: number;
  recipeVersion: string;
  revealed: boolean;
  ok: boolean;
  problems: string[];
}

export interface BoardVerification {
  /** True when nothing anywhere is wrong. */
  ok: boolean;
  /** Every problem found (board, epoch and line problems), in readable English. */
  problems: string[];
  epochs: EpochVerification[];
  lines: LineVerification[];
}

export interface TicketToVerify {
  lineRef: string;
  position?: number | null;
  prizeId?: string | null;
}

export interface TicketVerification {
  ok: boolean;
  lineRef: string;
  epoch: number | null;
  status: LineStatus | null;
  revealed: boolean;
  position: number | null;
  /** The prize the replay puts at `position` (null when the epoch is not revealed or no position given). */
  expectedPrizeId: string | null;
  problems: string[];
}

interface Replayed {
  positions: number[];
  prizes: string[] | null;
}

interface Analysis {
  board: BoardVerification;
  replay: Map<string, Replayed>;
}

const VOID_REASONS = new Set(['refund', 'forced_refund', 'cancellation']);

function describeEntry(e: FairnessLogEntry): string {
  return `log entry ${e.seq} (${e.kind} ${e.kind === 'epoch' ? e.epoch : (e.lineRef ?? '(no line)')})`;
}

function cards(n: number): string {
  return n === 1 ? '1 card' : `${n} cards`;
}

async function analyseBoard(doc: FairnessDocument): Promise<Analysis> {
  const boardProblems: string[] = [];
  const epochResults = new Map<number, EpochVerification>();
  const lineResults = new Map<string, LineVerification>();
  const replay = new Map<string, Replayed>();
  const codeOf = new Map<string, string>();
  for (const ep of doc.epochs) for (const m of ep.manifest) codeOf.set(m.prizeId, m.code);
  const prize = (id: string) => (codeOf.has(id) ? `${codeOf.get(id)} (${id})` : id);

  // Index epochs, chains, rounds.
  const epochs = new Map<number, FairnessEpoch>();
  for (const ep of [...doc.epochs].sort((a, b) => a.epoch - b.epoch)) {
    if (epochs.has(ep.epoch)) boardProblems.push(`epoch ${ep.epoch} appears twice`);
    epochs.set(ep.epoch, ep);
    epochResults.set(ep.epoch, {
      epoch: ep.epoch,
      recipeVersion: ep.recipeVersion,
      revealed: ep.seedHex !== null,
      ok: true,
      problems: [],
    });
  }
  const epochProblem = (epoch: number, message: string) => {
    const r = epochResults.get(epoch);
    if (r) r.problems.push(`epoch ${epoch}: ${message}`);
    else boardProblems.push(`epoch ${epoch}: ${message}`);
  };
  const chains = new Map(doc.beacon.chains.map((c) => [c.hash.toLowerCase(), c]));
  const rounds = new Map<string, FairnessRound>();
  const roundProblem = new Map<string, string | null>();
  for (const r of doc.rounds) {
    const key = `${r.chainHash.toLowerCase()}:${r.round}`;
    const seen = rounds.get(key);
    if (seen && (seen.signature !== r.signature || seen.randomness !== r.randomness))
      boardProblems.push(`round ${r.round} of chain ${r.chainHash} appears twice with different values`);
    rounds.set(key, r);
    const chain = chains.get(r.chainHash.toLowerCase());
    let problem: string | null = null;
    if (!chain) problem = `round ${r.round}: its beacon chain ${r.chainHash} is not in the document`;
    else if (
      !/^[0-9a-f]+$/i.test(r.signature) ||
      beaconRandomness(r.signature) !== r.randomness.toLowerCase()
    )
      problem = `round ${r.round}: its randomness is not SHA-256 of its signature`;
    else if (!verifyBeaconRound(chain, r))
      problem = `round ${r.round}: its signature does not verify against the public key of chain ${chain.hash}`;
    roundProblem.set(key, problem);
    if (problem) boardProblems.push(problem);
  }

  // Lines (draw entries).
  const log = doc.log;
  for (const e of log) {
    if (e.kind !== 'draw') continue;
    if (!e.lineRef) {
      boardProblems.push(`${describeEntry(e)}: a draw without a line reference`);
      continue;
    }
    if (lineResults.has(e.lineRef)) {
      boardProblems.push(`${describeEntry(e)}: line ${e.lineRef} is logged twice`);
      continue;
    }
    lineResults.set(e.lineRef, {
      lineRef: e.lineRef,
      epoch: e.epoch,
      seq: e.seq,
      ticketCount: e.ticketCount,
      targetRound: e.targetRound,
      positions: null,
      status: 'pending',
      ok: true,
      problems: [],
    });
  }
  const lineProblem = (lineRef: string, message: string) => {
    lineResults.get(lineRef)!.problems.push(`line ${lineRef}: ${message}`);
  };
  /** Problems about one log entry go to its line (draw, void) or its epoch. */
  const entryProblem = (e: FairnessLogEntry, message: string) => {
    const text = `${describeEntry(e)}: ${message}`;
    if (e.lineRef && lineResults.has(e.lineRef)) lineResults.get(e.lineRef)!.problems.push(text);
    else if (e.kind === 'epoch' && epochResults.has(e.epoch)) epochResults.get(e.epoch)!.problems.push(text);
    else boardProblems.push(text);
  };

  // 1. The hash chain.
  for (let i = 0; i < log.length; i++) {
    const e = log[i]!;
    if (e.seq !== i + 1) entryProblem(e, `its sequence number should be ${i + 1}`);
    const prev = i === 0 ? GENESIS_HASH : log[i - 1]!.entryHash.toLowerCase();
    if (e.prevHash.toLowerCase() !== prev)
      entryProblem(e, `its prevHash does not link to the ${i === 0 ? 'genesis hash' : 'previous entry'}`);
    const hash = await logEntryHash({
      prevHash: e.prevHash,
      seq: e.seq,
      kind: e.kind,
      epoch: e.epoch,
      lineRef: e.lineRef,
      ticketCount: e.ticketCount,
      targetRound: e.targetRound,
      commitment: e.commitment,
      voidPositions: e.voidPositions,
      voidReason: e.voidReason,
      loggedAt: e.loggedAt,
    });
    if (hash !== e.entryHash.toLowerCase())
      entryProblem(e, 'its entry hash does not match its contents (the entry was altered)');
  }

  // 2. Epoch entries carry the epoch's commitment, before any draw of that epoch.
  const commitmentSeq = new Map<number, number>();
  for (const e of log) {
    if (e.kind === 'epoch') {
      const ep = epochs.get(e.epoch);
      if (!ep) entryProblem(e, `epoch ${e.epoch} is not in the document`);
      else if ((e.commitment ?? '').toLowerCase() !== ep.commitment.toLowerCase())
        entryProblem(e, `its commitment differs from epoch ${e.epoch}'s published commitment`);
      if (commitmentSeq.has(e.epoch)) entryProblem(e, `epoch ${e.epoch} is committed twice`);
      else commitmentSeq.set(e.epoch, e.seq);
    } else if (e.kind === 'draw' && e.lineRef && lineResults.get(e.lineRef)?.seq === e.seq) {
      const ep = epochs.get(e.epoch);
      if (!ep) lineProblem(e.lineRef, `its epoch ${e.epoch} is not in the document`);
      else if (ep.recipeVersion !== 'popbox-kuji-v2')
        lineProblem(e.lineRef, `its epoch ${e.epoch} is a ${ep.recipeVersion} epoch, which has no draw log`);
      else if (!(e.seq > (commitmentSeq.get(e.epoch) ?? Infinity)))
        lineProblem(e.lineRef, `it was logged before epoch ${e.epoch}'s commitment`);
    }
  }

  // 3. Each epoch: commitment, target rounds, round signatures, deal replay, Last One.
  const dealtPositions = new Map<number, string>();
  const claimPosition = (position: number, owner: string) => {
    const other = dealtPositions.get(position);
    if (other !== undefined)
      boardProblems.push(`position ${position} is dealt twice (${other} and ${owner})`);
    else dealtPositions.set(position, owner);
  };
  const lastOneWinners: string[] = [];
  const voidedPositions = new Set(log.flatMap((e) => (e.kind === 'void' ? (e.voidPositions ?? []) : [])));
  for (const ep of epochs.values()) {
    const revealed = ep.seedHex !== null;
    if (ep.recipeVersion === 'popbox-kuji-v1') {
      if (revealed) {
        const result = await verifyEpoch({
          recipeVersion: ep.recipeVersion,
          seedHex: ep.seedHex!,
          commitment: ep.commitment,
          firstPosition: ep.firstPosition,
          manifest: ep.manifest,
          dealt: ep.dealt.map((c) => ({ position: c.position, prizeId: c.prizeId })),
        }).catch((err: unknown) => ({ ok: false, problems: [`cannot replay: ${String(err)}`] }));
        for (const p of result.problems) epochProblem(ep.epoch, p);
      }
      for (const c of ep.dealt) claimPosition(c.position, `epoch ${ep.epoch}`);
      continue;
    }
    if (ep.recipeVersion !== 'popbox-kuji-v2') {
      epochProblem(ep.epoch, `unknown recipe ${String(ep.recipeVersion)}`);
      continue;
    }
    if (!commitmentSeq.has(ep.epoch)) epochProblem(ep.epoch, 'its commitment is not in the draw log');
    const chain = ep.beaconChainHash ? chains.get(ep.beaconChainHash.toLowerCase()) : undefined;
    if (!chain)
      epochProblem(ep.epoch, `its beacon chain ${ep.beaconChainHash ?? '(none)'} is not in the document`);
    let seedUsable = revealed;
    if (revealed) {
      let commitment = '';
      try {
        commitment = await computeCommitmentV2({
          seedHex: ep.seedHex!,
          epoch: ep.epoch,
          firstPosition: ep.firstPosition,
          manifest: ep.manifest,
          lastOne: ep.lastOne,
          beaconChainHash: ep.beaconChainHash ?? '',
        });
      } catch {
        // reported below
      }
      if (!/^[0-9a-f]{64}$/i.test(ep.seedHex!)) {
        epochProblem(ep.epoch, 'its revealed seed is not 32 bytes of hex');
        seedUsable = false;
      } else if (commitment !== ep.commitment.toLowerCase()) {
        epochProblem(ep.epoch, 'its commitment does not match the revealed seed, manifest and Last One');
      }
    }

    const lines = log.filter(
      (e): e is FairnessLogEntry & { lineRef: string } =>
        e.kind === 'draw' && e.epoch === ep.epoch && !!e.lineRef && lineResults.get(e.lineRef)?.seq === e.seq,
    );
    const byRound = new Map<number, typeof lines>();
    for (const line of lines) {
      if (line.targetRound === null || !Number.isSafeInteger(line.targetRound) || line.targetRound < 1) {
        lineProblem(line.lineRef, 'it has no valid target round');
        continue;
      }
      if (!Number.isSafeInteger(line.ticketCount) || line.ticketCount < 1) {
        lineProblem(line.lineRef, `its ticket count ${line.ticketCount} is not a positive integer`);
        continue;
      }
      if (chain) {
        const publishedMs = roundPublishedAt(chain, line.targetRound) * 1000;
        const loggedMs = Date.parse(line.loggedAt);
        if (!Number.isFinite(loggedMs))
          lineProblem(line.lineRef, `its loggedAt ${line.loggedAt} is not a date`);
        else if (publishedMs < loggedMs + TARGET_ROUND_MARGIN_MS)
          lineProblem(
            line.lineRef,
            `its target round ${line.targetRound} was published at ${new Date(publishedMs).toISOString()}, ` +
              `not at least ${TARGET_ROUND_MARGIN_MS / 1000} s after the line was logged (${line.loggedAt})`,
          );
      }
      const group = byRound.get(line.targetRound) ?? [];
      group.push(line);
      byRound.set(line.targetRound, group);
    }

    const undealt = ep.manifest.map((m) => ({ prizeId: m.prizeId, count: m.count }));
    let remaining = undealt.reduce((n, m) => n + m.count, 0);
    let position = ep.firstPosition;
    let pendingBefore: string | null = null;
    let replayBroken = false;
    for (const roundNumber of [...byRound.keys()].sort((a, b) => a - b)) {
      const group = byRound.get(roundNumber)!;
      const key = `${(ep.beaconChainHash ?? '').toLowerCase()}:${roundNumber}`;
      const round = rounds.get(key);
      const anyDealt = group.some((l) => l.firstPosition !== null);
      if (anyDealt && !round)
        for (const l of group) lineProblem(l.lineRef, `its round ${roundNumber} is not in the document`);
      if (round && roundProblem.get(key))
        for (const l of group) lineProblem(l.lineRef, `its round ${roundNumber} does not verify`);
      const ordered = round ? await orderLinesOfRound(round.randomness, group) : group;
      for (const line of ordered) {
        const result = lineResults.get(line.lineRef)!;
        if (line.firstPosition === null) {
          pendingBefore ??= line.lineRef;
          if (line.wonLastOne)
            lineProblem(line.lineRef, 'it is marked as winning the Last One but is not dealt');
          if (line.cards && line.cards.length > 0) lineProblem(line.lineRef, 'it has cards but is not dealt');
          continue;
        }
        result.status = 'dealt';
        if (pendingBefore)
          lineProblem(
            line.lineRef,
            `it is dealt although line ${pendingBefore}, which comes before it, is pending`,
          );
        if (line.firstPosition !== position)
          lineProblem(
            line.lineRef,
            `it starts at position ${line.firstPosition}, but the replay puts it at position ${position}`,
          );
        const positions = Array.from({ length: line.ticketCount }, (_, k) => position + k);
        result.positions = positions;
        // What the shop says it dealt (the replay's positions are checked against it above).
        for (let k = 0; k < line.ticketCount; k++)
          claimPosition(line.firstPosition + k, `line ${line.lineRef}`);
        if (line.ticketCount > remaining || replayBroken) {
          if (!replayBroken)
            lineProblem(
              line.lineRef,
              `it takes ${cards(line.ticketCount)} but only ${remaining} were left in epoch ${ep.epoch}`,
            );
          replayBroken = true;
          replay.set(line.lineRef, { positions, prizes: null });
          position += line.ticketCount;
          continue;
        }
        let prizes: string[] | null = null;
        if (seedUsable && round) {
          prizes = await drawLine(ep.seedHex!, round.randomness, line.lineRef, undealt, line.ticketCount);
        }
        remaining -= line.ticketCount;
        const wins = remaining === 0 && ep.lastOne?.count === 1;
        if (wins) lastOneWinners.push(line.lineRef);
        if (wins && line.wonLastOne !== true)
          lineProblem(
            line.lineRef,
            `it took the final card of epoch ${ep.epoch}, so it should have won the Last One`,
          );
        if (!wins && line.wonLastOne === true)
          lineProblem(
            line.lineRef,
            ep.lastOne?.count === 1
              ? `it is marked as winning the Last One, but it did not take the final card of epoch ${ep.epoch}`
              : `it is marked as winning the Last One, but epoch ${ep.epoch} promises no Last One`,
          );
        if (revealed) {
          const held = line.cards ?? [];
          const byPosition = new Map(held.map((c) => [c.position, c]));
          let match = true;
          if (!line.cards) {
            match = false;
            lineProblem(line.lineRef, 'its cards are not published although the epoch is revealed');
          } else if (byPosition.size !== held.length) {
            match = false;
            lineProblem(line.lineRef, 'it lists a position twice among its cards');
          }
          for (const card of held)
            if (!positions.includes(card.position)) {
              match = false;
              lineProblem(
                line.lineRef,
                `its card at position ${card.position} is outside its positions (${positions[0]}–${positions.at(-1)})`,
              );
            }
          positions.forEach((pos, k) => {
            const card = byPosition.get(pos);
            if (!card) {
              // a voided ticket may be left out; any other missing card is a problem
              if (line.cards && !voidedPositions.has(pos)) {
                match = false;
                lineProblem(line.lineRef, `no card is published for position ${pos}`);
              }
            } else if (prizes && card.prizeId !== prizes[k]) {
              match = false;
              lineProblem(
                line.lineRef,
                `position ${pos} holds ${prize(card.prizeId)} but the replay deals ${prize(prizes[k]!)}`,
              );
            }
          });
          if (match && prizes) result.status = 'verified';
        }
        replay.set(line.lineRef, { positions, prizes });
        position += line.ticketCount;
      }
    }
  }

  // 4. Voids reference dealt positions of a line logged before them.
  const voided = new Set<number>();
  for (const e of log) {
    if (e.kind !== 'void') continue;
    const line = e.lineRef ? lineResults.get(e.lineRef) : undefined;
    if (!line) {
      entryProblem(e, `it voids line ${e.lineRef ?? '(none)'}, which is not in the draw log`);
      continue;
    }
    if (line.epoch !== e.epoch)
      entryProblem(e, `it names epoch ${e.epoch}, but the line is in epoch ${line.epoch}`);
    if (line.seq > e.seq) entryProblem(e, 'it is logged before the line it voids');
    if (!e.voidReason || !VOID_REASONS.has(e.voidReason))
      entryProblem(
        e,
        `its void reason ${e.voidReason ?? '(none)'} is not one of ${[...VOID_REASONS].join(', ')}`,
      );
    const positions = line.positions;
    if (!e.voidPositions || e.voidPositions.length === 0) entryProblem(e, 'it voids no position');
    else if (!positions) entryProblem(e, 'it voids positions of a line that is not dealt');
    else
      for (const p of e.voidPositions) {
        if (!positions.includes(p)) entryProblem(e, `position ${p} is not one of the line's positions`);
        else if (voided.has(p)) entryProblem(e, `position ${p} is voided twice`);
        voided.add(p);
      }
  }

  // 5. The board's Last One summary agrees with the replay.
  if (doc.lastOne) {
    const winner = lastOneWinners.at(-1) ?? null;
    if (doc.lastOne.lineRef !== null && !lastOneWinners.includes(doc.lastOne.lineRef))
      boardProblems.push(
        `the Last One is awarded to line ${doc.lastOne.lineRef}, which did not take a final card`,
      );
    if (winner && (!doc.lastOne.awarded || doc.lastOne.lineRef === null))
      boardProblems.push(
        `line ${winner} took the final card, but the Last One is not shown as awarded to it`,
      );
  }

  const epochList = [...epochResults.values()];
  for (const ep of epochList) ep.ok = ep.problems.length === 0;
  const lineList = [...lineResults.values()].sort((a, b) => a.seq - b.seq);
  for (const l of lineList) l.ok = l.problems.length === 0;
  const problems = [
    ...boardProblems,
    ...epochList.flatMap((ep) => ep.problems),
    ...lineList.flatMap((l) => l.problems),
  ];
  return {
    board: { ok: problems.length === 0, problems, epochs: epochList, lines: lineList },
    replay,
  };
}

/** Verifies everything the fairness document claims (see RECIPE.md). */
export async function verifyBoard(doc: FairnessDocument): Promise<BoardVerification> {
  return (await analyseBoard(doc)).board;
}

/**
 * Verifies one ticket against the public document: its line is in the draw log and verifies (chain entry,
 * round, replay), the position belongs to the line, and — once the epoch's seed is revealed — the replayed
 * prize at that position is `prizeId`.
 */
export async function verifyTicket(
  doc: FairnessDocument,
  ticket: TicketToVerify,
): Promise<TicketVerification> {
  return checkTicket(await analyseBoard(doc), ticket);
}

/** `verifyTicket` for many tickets of one board, verifying the board once (e.g. a buyer's whole order). */
export async function verifyTickets(
  doc: FairnessDocument,
  tickets: TicketToVerify[],
): Promise<TicketVerification[]> {
  const analysis = await analyseBoard(doc);
  return tickets.map((ticket) => checkTicket(analysis, ticket));
}

function checkTicket({ board, replay }: Analysis, ticket: TicketToVerify): TicketVerification {
  const line = board.lines.find((l) => l.lineRef === ticket.lineRef);
  const position = ticket.position ?? null;
  if (!line)
    return {
      ok: false,
      lineRef: ticket.lineRef,
      epoch: null,
      status: null,
      revealed: false,
      position,
      expectedPrizeId: null,
      problems: [`line ${ticket.lineRef} is not in the draw log`],
    };
  const epoch = board.epochs.find((e) => e.epoch === line.epoch);
  const problems = [...(epoch?.problems ?? []), ...line.problems];
  const replayed = replay.get(line.lineRef);
  let expectedPrizeId: string | null = null;
  if (position !== null) {
    if (!replayed)
      problems.push(`line ${line.lineRef}: it is still pending, so no ticket has a position yet`);
    else {
      const index = replayed.positions.indexOf(position);
      if (index < 0)
        problems.push(
          `line ${line.lineRef}: position ${position} is not one of its positions ` +
            `(${replayed.positions[0]}–${replayed.positions.at(-1)})`,
        );
      else if (replayed.prizes) {
        expectedPrizeId = replayed.prizes[index]!;
        if (ticket.prizeId != null && ticket.prizeId !== expectedPrizeId)
          problems.push(
            `line ${line.lineRef}: position ${position} should hold prize ${expectedPrizeId}, not ${ticket.prizeId}`,
          );
      }
    }
  }
  return {
    ok: problems.length === 0,
    lineRef: line.lineRef,
    epoch: line.epoch,
    status: line.status,
    revealed: epoch?.revealed ?? false,
    position,
    expectedPrizeId,
    problems,
  };
}
