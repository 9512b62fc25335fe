import { beforeAll, describe, expect, it } from 'vitest';
import { beaconRandomness, localBeaconKeypair, signBeaconRound } from './beacon-signature.js';
import { FAKE_BEACON_SECRET, buildFakeBoard } from './fake-board.js';
import type { FairnessDocument, FairnessLogEntry } from './fairness-document.js';
import { GENESIS_HASH, logEntryHash } from './recipe-v2.js';
import { verifyBoard, verifyTicket, verifyTickets } from './verify-board.js';

let honest: FairnessDocument;
beforeAll(async () => {
  honest = await buildFakeBoard();
});

const copy = () => structuredClone(honest);
const entry = (doc: FairnessDocument, lineRef: string, kind: FairnessLogEntry['kind'] = 'draw') =>
  doc.log.find((e) => e.lineRef === lineRef && e.kind === kind)!;

/** Re-hashes the whole chain, as a forger who controls the database would. */
async function rechain(doc: FairnessDocument) {
  let prevHash = GENESIS_HASH;
  for (const e of doc.log) {
    e.prevHash = prevHash;
    e.entryHash = await logEntryHash(e);
    prevHash = e.entryHash;
  }
}

async function problemsOf(doc: FairnessDocument) {
  const result = await verifyBoard(doc);
  expect(result.ok).toBe(false);
  return result.problems.join('\n');
}

describe('verifyBoard on an honest board', () => {
  it('verifies every epoch and line', async () => {
    const result = await verifyBoard(honest);
    expect(result.problems).toEqual([]);
    expect(result.ok).toBe(true);
    expect(result.epochs.map((e) => [e.epoch, e.recipeVersion, e.revealed, e.ok])).toEqual([
      [1, 'popbox-kuji-v1', true, true],
      [2, 'popbox-kuji-v2', true, true],
      [3, 'popbox-kuji-v2', false, true],
    ]);
    const status = Object.fromEntries(result.lines.map((l) => [l.lineRef, l.status]));
    expect(status).toEqual({
      ln_00000000000000a1: 'verified',
      ln_00000000000000b2: 'verified',
      ln_00000000000000c3: 'verified',
      ln_00000000000000d4: 'verified',
      ln_00000000000000e5: 'verified',
      ln_00000000000000f6: 'dealt',
      ln_0000000000000017: 'pending',
    });
    // the fixture really exercises a void, the Last One and a shared round
    expect(honest.log.filter((e) => e.kind === 'void')).toHaveLength(1);
    expect(honest.log.filter((e) => e.wonLastOne === true).map((e) => e.lineRef)).toEqual([
      'ln_00000000000000e5',
    ]);
    expect(honest.log.filter((e) => e.targetRound === 1000)).toHaveLength(3);
  });
});

describe('verifyBoard rejects tampering', () => {
  it('with a logged line: count, round or line reference', async () => {
    const count = copy();
    entry(count, 'ln_00000000000000c3').ticketCount = 2;
    expect(await problemsOf(count)).toMatch(/\(draw ln_00000000000000c3\): its entry hash does not match/);

    const round = copy();
    entry(round, 'ln_00000000000000d4').targetRound = 1002;
    expect(await problemsOf(round)).toMatch(
      /log entry \d+ \(draw ln_00000000000000d4\).*entry hash does not match/,
    );

    const ref = copy();
    entry(ref, 'ln_00000000000000b2').lineRef = 'ln_00000000000000bb';
    expect(await problemsOf(ref)).toMatch(/draw ln_00000000000000bb\).*entry hash does not match/);
  });

  it('with a broken chain link or sequence', async () => {
    const doc = copy();
    doc.log.splice(2, 1); // drop a line entirely
    const problems = await problemsOf(doc);
    expect(problems).toMatch(/prevHash does not link to the previous entry/);
    expect(problems).toMatch(/sequence number should be 3/);
  });

  it("with a round's randomness", async () => {
    const doc = copy();
    doc.rounds[0]!.randomness = 'ab'.repeat(32);
    const problems = await problemsOf(doc);
    expect(problems).toMatch(/round 1000: its randomness is not SHA-256 of its signature/);
    expect(problems).toMatch(/line ln_00000000000000a1: its round 1000 does not verify/);
  });

  it("with a round's signature (randomness recomputed to match)", async () => {
    const doc = copy();
    const other = doc.rounds[1]!; // a valid signature, but of another round
    doc.rounds[0]!.signature = other.signature;
    doc.rounds[0]!.randomness = beaconRandomness(other.signature);
    expect(await problemsOf(doc)).toMatch(/round 1000: its signature does not verify against the public key/);
  });

  it('with a revealed seed', async () => {
    const doc = copy();
    doc.epochs[1]!.seedHex = 'e4'.repeat(32);
    const problems = await problemsOf(doc);
    expect(problems).toMatch(/epoch 2: its commitment does not match the revealed seed/);
  });

  it('with a manifest or Last One promise', async () => {
    const manifest = copy();
    manifest.epochs[1]!.manifest[0]!.count = 2;
    expect(await problemsOf(manifest)).toMatch(/epoch 2: its commitment does not match/);

    const lastOne = copy();
    lastOne.epochs[1]!.lastOne = null;
    expect(await problemsOf(lastOne)).toMatch(/epoch 2: its commitment does not match/);
  });

  it("with an epoch's published commitment", async () => {
    const doc = copy();
    doc.epochs[2]!.commitment = 'cd'.repeat(32);
    expect(await problemsOf(doc)).toMatch(
      /log entry 8 \(epoch 3\): its commitment differs from epoch 3's published commitment/,
    );
  });

  it("with a card's prize", async () => {
    const doc = copy();
    const card = entry(doc, 'ln_00000000000000d4').cards![1]!;
    const other = card.prizeId === 'p-c1' ? 'p-a1' : 'p-c1';
    card.prizeId = other;
    const problems = await problemsOf(doc);
    expect(problems).toMatch(
      new RegExp(
        `line ln_00000000000000d4: position ${card.position} holds \\S+ \\(${other}\\) but the replay deals`,
      ),
    );
  });

  it('with a line moved to another round, even with the whole chain re-hashed', async () => {
    const doc = copy();
    entry(doc, 'ln_00000000000000d4').targetRound = 1000;
    await rechain(doc);
    const problems = await problemsOf(doc);
    expect(problems).toMatch(
      /line ln_00000000000000d4: its target round 1000 was published at .*not at least 1 s after/,
    );
  });

  it('with a line moved to a later round, chain re-hashed (the replay no longer matches)', async () => {
    const doc = copy();
    entry(doc, 'ln_00000000000000d4').targetRound = 1003;
    await rechain(doc);
    const result = await verifyBoard(doc);
    expect(result.ok).toBe(false);
    const d4 = result.lines.find((l) => l.lineRef === 'ln_00000000000000d4')!;
    expect(d4.ok).toBe(false);
    expect(result.problems.join('\n')).toMatch(
      /line ln_00000000000000(d4|e5): (it starts at position|position \d+ holds)/,
    );
  });

  it('with the Last One on the wrong line', async () => {
    const doc = copy();
    entry(doc, 'ln_00000000000000e5').wonLastOne = false;
    entry(doc, 'ln_00000000000000d4').wonLastOne = true;
    doc.lastOne!.lineRef = 'ln_00000000000000d4';
    const problems = await problemsOf(doc);
    expect(problems).toMatch(
      /line ln_00000000000000d4: it is marked as winning the Last One, but it did not take/,
    );
    expect(problems).toMatch(
      /line ln_00000000000000e5: it took the final card of epoch 2, so it should have won/,
    );
    expect(problems).toMatch(/the Last One is awarded to line ln_00000000000000d4/);
  });

  it('with a line dealt at the wrong positions (unrevealed epoch too)', async () => {
    const doc = copy();
    entry(doc, 'ln_00000000000000f6').firstPosition = 11;
    const problems = await problemsOf(doc);
    expect(problems).toMatch(
      /line ln_00000000000000f6: it starts at position 11, but the replay puts it at position 12/,
    );
    expect(problems).toMatch(/position 11 is dealt twice/);
  });

  it('with a void of a position outside its line', async () => {
    const doc = copy();
    const voidEntry = doc.log.find((e) => e.kind === 'void')!;
    voidEntry.voidPositions = [5];
    await rechain(doc);
    const a1 = (await verifyBoard(doc)).lines.find((l) => l.lineRef === 'ln_00000000000000a1')!;
    expect(a1.positions).not.toContain(5);
    expect(a1.problems.join('\n')).toMatch(
      /void ln_00000000000000a1\): position 5 is not one of the line's positions/,
    );
  });

  it('with a line dealt while a line before it is still pending', async () => {
    const doc = copy();
    entry(doc, 'ln_00000000000000f6').firstPosition = null;
    entry(doc, 'ln_0000000000000017').firstPosition = 12;
    const { secretKey } = localBeaconKeypair(FAKE_BEACON_SECRET);
    doc.rounds.push({ chainHash: doc.beacon.chains[0]!.hash, ...signBeaconRound(secretKey, 1006) });
    expect(await problemsOf(doc)).toMatch(
      /line ln_0000000000000017: it is dealt although line ln_00000000000000f6, which comes before it, is pending/,
    );
  });

  it('with a card left out (a voided ticket may be left out)', async () => {
    const voided = copy();
    const voidedPosition = voided.log.find((e) => e.kind === 'void')!.voidPositions![0]!;
    const a1 = entry(voided, 'ln_00000000000000a1');
    a1.cards = a1.cards!.filter((c) => c.position !== voidedPosition);
    expect((await verifyBoard(voided)).problems).toEqual([]);

    const missing = copy();
    const d4 = entry(missing, 'ln_00000000000000d4');
    const dropped = d4.cards!.pop()!;
    expect(await problemsOf(missing)).toMatch(
      new RegExp(`line ln_00000000000000d4: no card is published for position ${dropped.position}`),
    );
  });

  it('with a line of a round missing from the document', async () => {
    const doc = copy();
    doc.rounds = doc.rounds.filter((r) => r.round !== 1003);
    expect(await problemsOf(doc)).toMatch(/line ln_00000000000000e5: its round 1003 is not in the document/);
  });
});

describe('verifyTicket', () => {
  it('accepts a ticket of a revealed epoch and names its prize', async () => {
    const line = entry(honest, 'ln_00000000000000d4');
    const card = line.cards![1]!;
    const result = await verifyTicket(honest, {
      lineRef: line.lineRef!,
      position: card.position,
      prizeId: card.prizeId,
    });
    expect(result).toMatchObject({
      ok: true,
      status: 'verified',
      revealed: true,
      expectedPrizeId: card.prizeId,
    });
  });

  it('accepts a dealt ticket of an unrevealed epoch and a pending ticket', async () => {
    const dealt = await verifyTicket(honest, { lineRef: 'ln_00000000000000f6', position: 13 });
    expect(dealt).toMatchObject({
      ok: true,
      status: 'dealt',
      revealed: false,
      expectedPrizeId: null,
      epoch: 3,
    });
    const pending = await verifyTicket(honest, { lineRef: 'ln_0000000000000017' });
    expect(pending).toMatchObject({ ok: true, status: 'pending', position: null });
  });

  it('rejects a wrong prize, a foreign position, a position on a pending line, an unknown line', async () => {
    const line = entry(honest, 'ln_00000000000000d4');
    const card = line.cards![0]!;
    const wrong = card.prizeId === 'p-a1' ? 'p-c1' : 'p-a1';
    const prize = await verifyTicket(honest, {
      lineRef: line.lineRef!,
      position: card.position,
      prizeId: wrong,
    });
    expect(prize.ok).toBe(false);
    expect(prize.problems.join()).toMatch(
      new RegExp(`position ${card.position} should hold prize ${card.prizeId}, not ${wrong}`),
    );

    const foreign = await verifyTicket(honest, { lineRef: line.lineRef!, position: 5 });
    expect(foreign.problems.join()).toMatch(/position 5 is not one of its positions/);

    const pending = await verifyTicket(honest, { lineRef: 'ln_0000000000000017', position: 14 });
    expect(pending.problems.join()).toMatch(/still pending/);

    const unknown = await verifyTicket(honest, { lineRef: 'ln_ffffffffffffffff' });
    expect(unknown).toMatchObject({
      ok: false,
      problems: ['line ln_ffffffffffffffff is not in the draw log'],
    });
  });

  it('verifies a batch of tickets against one analysis', async () => {
    const line = entry(honest, 'ln_00000000000000a1');
    const results = await verifyTickets(
      honest,
      line.cards!.map((c) => ({ lineRef: line.lineRef!, position: c.position, prizeId: c.prizeId })),
    );
    expect(results.map((r) => r.ok)).toEqual([true, true]);
    expect(results.map((r) => r.expectedPrizeId)).toEqual(line.cards!.map((c) => c.prizeId));
  });

  it("rejects a ticket whose line's log entry was altered", async () => {
    const doc = copy();
    entry(doc, 'ln_00000000000000f6').ticketCount = 3;
    const result = await verifyTicket(doc, { lineRef: 'ln_00000000000000f6', position: 12 });
    expect(result.ok).toBe(false);
    expect(result.problems.join()).toMatch(/entry hash does not match/);
  });
});
