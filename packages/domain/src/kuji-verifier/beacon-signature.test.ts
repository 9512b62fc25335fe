import { describe, expect, it } from 'vitest';
import {
  beaconMessage,
  beaconRandomness,
  localBeaconKeypair,
  signBeaconRound,
  verifyBeaconRound,
} from './beacon-signature.js';
import { QUICKNET_CHAIN, QUICKNET_ROUNDS } from './quicknet-vectors.js';
import { bytesToHex } from './recipe-v2.js';

function flipBit(hex: string, index: number): string {
  const nibble = parseInt(hex[index]!, 16) ^ 1;
  return hex.slice(0, index) + nibble.toString(16) + hex.slice(index + 1);
}

describe('verifyBeaconRound (drand quicknet, bls-unchained-g1-rfc9380)', () => {
  it('accepts real quicknet rounds', () => {
    for (const round of QUICKNET_ROUNDS) expect(verifyBeaconRound(QUICKNET_CHAIN, round)).toBe(true);
  });

  it('hashes the round as uint64 big-endian', () => {
    // SHA-256 of 00 00 00 00 00 00 03 e8 (round 1000)
    expect(bytesToHex(beaconMessage(1000))).toBe(
      'f652498d092acd949bad74e40683bf3824fb817980504a0c7e6722cfc5a9c0a3',
    );
    expect(beaconRandomness(QUICKNET_ROUNDS[1].signature)).toBe(QUICKNET_ROUNDS[1].randomness);
  });

  it('rejects a flipped signature bit, a wrong round, a wrong randomness, another key or scheme', () => {
    const good = QUICKNET_ROUNDS[0];
    const flipped = flipBit(good.signature, 40);
    expect(verifyBeaconRound(QUICKNET_CHAIN, { ...good, signature: flipped })).toBe(false);
    // even with the randomness recomputed for the forged signature
    expect(
      verifyBeaconRound(QUICKNET_CHAIN, {
        ...good,
        signature: flipped,
        randomness: beaconRandomness(flipped),
      }),
    ).toBe(false);
    expect(verifyBeaconRound(QUICKNET_CHAIN, { ...good, round: good.round + 1 })).toBe(false);
    expect(verifyBeaconRound(QUICKNET_CHAIN, { ...good, randomness: flipBit(good.randomness, 0) })).toBe(
      false,
    );
    expect(
      verifyBeaconRound({ ...QUICKNET_CHAIN, publicKey: flipBit(QUICKNET_CHAIN.publicKey, 150) }, good),
    ).toBe(false);
    expect(verifyBeaconRound({ ...QUICKNET_CHAIN, scheme: 'pedersen-bls-chained' }, good)).toBe(false);
    expect(verifyBeaconRound(QUICKNET_CHAIN, { ...good, signature: 'zz' })).toBe(false);
  });
});

describe('local beacon signing', () => {
  const secret = '11'.repeat(32);

  it('signs rounds that verify with the same code as drand', () => {
    const { secretKey, publicKey } = localBeaconKeypair(secret);
    expect(publicKey).toMatch(/^[0-9a-f]{192}$/);
    const chain = { scheme: QUICKNET_CHAIN.scheme, publicKey };
    const round = signBeaconRound(secretKey, 42);
    expect(round.signature).toMatch(/^[0-9a-f]{96}$/);
    expect(verifyBeaconRound(chain, round)).toBe(true);
    expect(signBeaconRound(secretKey, 42)).toEqual(round); // deterministic
    expect(verifyBeaconRound(chain, { ...signBeaconRound(secretKey, 43), round: 42 })).toBe(false);
    expect(verifyBeaconRound(QUICKNET_CHAIN, round)).toBe(false);
  });

  it('maps every 32-byte secret to a valid key, and refuses anything else', () => {
    expect(localBeaconKeypair('00'.repeat(32)).publicKey).toMatch(/^[0-9a-f]{192}$/);
    expect(localBeaconKeypair('ff'.repeat(32)).publicKey).toMatch(/^[0-9a-f]{192}$/);
    expect(localBeaconKeypair(secret).publicKey).not.toBe(localBeaconKeypair('22'.repeat(32)).publicKey);
    expect(() => localBeaconKeypair('abcd')).toThrow(/32 bytes/);
  });
});
