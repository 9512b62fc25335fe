import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { localBeaconChainHash } from '../adapters/beacon/local-beacon.js';
import { beaconMessage, localBeaconKeypair, signBeaconRound, verifyBeaconRound } from './beacon-signature.js';
import { QUICKNET_CHAIN, QUICKNET_ROUNDS } from './quicknet-vectors.js';
import {
  GENESIS_HASH,
  bytesToHex,
  computeCommitmentV2,
  currentRound,
  drawLine,
  hexToBytes,
  lineOrderKey,
  lineStream,
  logEntryHash,
  orderLinesOfRound,
  roundPublishedAt,
  sha256,
  targetRoundFor,
  type LogEntryInput,
} from './recipe-v2.js';

/** RECIPE.md §9: every value asserted here must also be written in RECIPE.md. */
const recipe = readFileSync(new URL('./RECIPE.md', import.meta.url), 'utf8');
const documented = (value: string | number) => expect(recipe).toContain(String(value));

const seedHex = '000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f';
const manifest = [
  { prizeId: 'p-a1', code: 'A1', tier: 'A', count: 1 },
  { prizeId: 'p-b1', code: 'B1', tier: 'B', count: 2 },
  { prizeId: 'p-c1', code: 'C1', tier: 'C', count: 4 },
];
const lastOne = { prizeId: 'p-lo', code: 'LO', count: 1 };
const COMMITMENT = 'f1103c077e1e63a72536347969a228aece55d93cf99cd464d64d193df6bab380';
const [R1000, R657413] = QUICKNET_ROUNDS;

describe('RECIPE.md test vectors', () => {
  it('9.1 commitment', async () => {
    const commitment = await computeCommitmentV2({
      seedHex,
      epoch: 2,
      firstPosition: 5,
      manifest,
      lastOne,
      beaconChainHash: QUICKNET_CHAIN.hash,
    });
    expect(commitment).toBe(COMMITMENT);
    documented(COMMITMENT);
    documented(seedHex);
    documented('[["p-a1","A1","A",1],["p-b1","B1","B",2],["p-c1","C1","C",4]]');
    documented('["p-lo","LO",1]');
  });

  it('9.2 log entries, 9.3 target round', async () => {
    const blank = {
      lineRef: null,
      ticketCount: 0,
      targetRound: null,
      commitment: null,
      voidPositions: null,
      voidReason: null,
    };
    const e1: LogEntryInput = {
      ...blank,
      prevHash: GENESIS_HASH,
      seq: 1,
      kind: 'epoch',
      epoch: 2,
      commitment: COMMITMENT,
      loggedAt: '2025-01-01T00:00:00.000Z',
    };
    const h1 = await logEntryHash(e1);
    expect(h1).toBe('1bf1f055ece211283a14068f75c719dc4088856c58af8f0a515fa1e3a13ee6ac');
    const text = `popbox-kuji-log-v1\n${GENESIS_HASH}\n1\nepoch\n2\n\n0\n\n${COMMITMENT}\n\n\n2025-01-01T00:00:00.000Z`;
    expect(bytesToHex(await sha256(new TextEncoder().encode(text)))).toBe(h1);

    const loggedAtMs = Date.parse('2025-01-01T00:00:05.250Z');
    expect(loggedAtMs).toBe(1735689605250);
    expect(currentRound(QUICKNET_CHAIN, loggedAtMs)).toBe(14295413);
    const targetRound = targetRoundFor(QUICKNET_CHAIN, loggedAtMs);
    expect(targetRound).toBe(14295415);
    expect(roundPublishedAt(QUICKNET_CHAIN, targetRound)).toBe(1735689609);
    const h2 = await logEntryHash({
      ...blank,
      prevHash: h1,
      seq: 2,
      kind: 'draw',
      epoch: 2,
      lineRef: 'ln_00000000000000a1',
      ticketCount: 2,
      targetRound,
      loggedAt: '2025-01-01T00:00:05.250Z',
    });
    expect(h2).toBe('83a521e1962849f939899fe3a0fe77d481dd01fb49982c340115910429f49b18');
    const h3 = await logEntryHash({
      ...blank,
      prevHash: h2,
      seq: 3,
      kind: 'void',
      epoch: 2,
      lineRef: 'ln_00000000000000a1',
      voidPositions: [5, 6],
      voidReason: 'refund',
      loggedAt: '2025-01-01T00:01:00.000Z',
    });
    expect(h3).toBe('8537ca2f2a11f9d83e35f17a98eb609ddb4773a695f7ef5f5b59fa8b4d80fac8');
    for (const v of [h1, h2, h3, 14295413, 14295415, 1735689609, 1735689605250]) documented(v);
  });

  it('9.4 beacon rounds', () => {
    expect(bytesToHex(beaconMessage(1000))).toBe(
      'f652498d092acd949bad74e40683bf3824fb817980504a0c7e6722cfc5a9c0a3',
    );
    documented(bytesToHex(beaconMessage(1000)));
    for (const round of QUICKNET_ROUNDS) {
      expect(verifyBeaconRound(QUICKNET_CHAIN, round)).toBe(true);
      documented(round.signature);
      documented(round.randomness);
    }
    documented(QUICKNET_CHAIN.publicKey);
    documented(QUICKNET_CHAIN.hash);
    documented(QUICKNET_CHAIN.genesisTime);
  });

  it('9.5 line order, stream and a whole epoch', async () => {
    const a1 = await lineOrderKey(R1000.randomness, 'ln_00000000000000a1');
    const b2 = await lineOrderKey(R1000.randomness, 'ln_00000000000000b2');
    expect([a1, b2]).toEqual([
      '8fdc5840f44c6922be681d69aa7d773378a140d93d5de5ac78ac095c1d7862db',
      '21b442c3e5cee462069918a854d324fe3884e070efde08bb21af1f13e7c4c6c3',
    ]);
    const lineSeed = await sha256(
      new Uint8Array([
        ...hexToBytes(seedHex),
        ...hexToBytes(R1000.randomness),
        ...new TextEncoder().encode('ln_00000000000000a1'),
      ]),
    );
    expect(bytesToHex(lineSeed)).toBe('b24bc51cd0345c25959da91906c5e940681cbdfe0171504e7f7f91f5fd1a1dda');
    const next = await lineStream(seedHex, R1000.randomness, 'ln_00000000000000a1');
    const words = [await next(), await next(), await next()];
    expect(words).toEqual([3322053487, 1243516657, 2320209396]);
    for (const v of [a1, b2, bytesToHex(lineSeed), ...words]) documented(v);

    const undealt = manifest.map((m) => ({ prizeId: m.prizeId, count: m.count }));
    const deal: Array<[string, number, string[], number[]]> = [];
    let position = 5;
    const round1000 = await orderLinesOfRound(R1000.randomness, [
      { lineRef: 'ln_00000000000000a1', count: 2 },
      { lineRef: 'ln_00000000000000b2', count: 1 },
    ]);
    const lines = [
      ...round1000.map((l) => ({ ...l, randomness: R1000.randomness })),
      { lineRef: 'ln_00000000000000c3', count: 4, randomness: R657413.randomness },
    ];
    for (const line of lines) {
      const prizes = await drawLine(seedHex, line.randomness, line.lineRef, undealt, line.count);
      deal.push([line.lineRef, position, prizes, undealt.map((u) => u.count)]);
      position += line.count;
    }
    expect(deal).toEqual([
      ['ln_00000000000000b2', 5, ['p-c1'], [1, 2, 3]],
      ['ln_00000000000000a1', 6, ['p-b1', 'p-c1'], [1, 1, 2]],
      ['ln_00000000000000c3', 8, ['p-a1', 'p-b1', 'p-c1', 'p-c1'], [0, 0, 0]],
    ]);
    documented('| `ln_00000000000000b2` | 5 | p-c1 | 1, 2, 3 | false |');
    documented('| `ln_00000000000000a1` | 6–7 | p-b1, p-c1 | 1, 1, 2 | false |');
    documented('| `ln_00000000000000c3` | 8–11 | p-a1, p-b1, p-c1, p-c1 | 0, 0, 0 | true |');
  });

  it('9.6 local beacon', () => {
    const { secretKey, publicKey } = localBeaconKeypair('5e'.repeat(32));
    expect(publicKey).toBe(
      'a50ee57f75c2ee213e4ad7825e077c35e70f23dfd56c146828665b4f3e055d586afce376c65dbd10630ec1ceabf05d77174c8aa37483f74fdd5c69658adfed8a3ecd90a0c04d21f003eecf28f8b781175a63b67209203c102958ab8b8c0a3e90',
    );
    const hash = localBeaconChainHash({
      scheme: 'bls-unchained-g1-rfc9380',
      publicKey,
      periodSeconds: 3,
      genesisTime: 1750000000,
    });
    expect(hash).toBe('495e559c11d1b99dd45a403a84f9d00cc7a32dbf1746238405d5c22298667418');
    const round = signBeaconRound(secretKey, 1);
    expect(round).toEqual({
      round: 1,
      signature:
        '91bf052c16bb4acd436fae4540d42896aa42037b83b6eee21dfae413bd071b2e620a025821b835584dc61168e0f073af',
      randomness: '1e975b41e579d13b51983c5dc903e45670e7f7d25054f5a26db795e5d55715de',
    });
    for (const v of [publicKey, hash, round.signature, round.randomness]) documented(v);
  });
});
