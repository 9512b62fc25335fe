/**
 * Beacon round signatures, scheme `bls-unchained-g1-rfc9380` (drand "quicknet"), RECIPE.md §7.
 *
 * A round `r` is valid when its BLS signature (a G1 point, 48 bytes compressed) verifies against the chain's
 * public key (a G2 point, 96 bytes compressed) over the message SHA-256(uint64be(r)), hashed to G1 with the
 * RFC 9380 suite and DST `BLS_SIG_BLS12381G1_XMD:SHA-256_SSWU_RO_NUL_`, and its randomness is
 * SHA-256(signature bytes). The local development beacon signs with the same scheme, so one check serves both.
 *
 * Pure and browser-safe: @noble/curves and @noble/hashes only (synchronous, no Web Crypto needed here).
 */
import { bls12_381 as bls } from '@noble/curves/bls12-381';
import { sha256 } from '@noble/hashes/sha2';
import { bytesToHex, hexToBytes } from './recipe-v2.js';

export const BEACON_SCHEME = 'bls-unchained-g1-rfc9380';
export const BEACON_DST = 'BLS_SIG_BLS12381G1_XMD:SHA-256_SSWU_RO_NUL_';

export interface BeaconChainKey {
  scheme: string;
  /** hex, G2 compressed (96 bytes). */
  publicKey: string;
}

export interface SignedBeaconRound {
  round: number;
  /** hex; SHA-256 of the signature bytes. */
  randomness: string;
  /** hex, G1 compressed (48 bytes). */
  signature: string;
}

/** The signed message of a round: SHA-256 of the round number as an unsigned 64-bit big-endian integer. */
export function beaconMessage(round: number): Uint8Array {
  if (!Number.isSafeInteger(round) || round < 1) throw new Error(`bad beacon round ${round}`);
  const bytes = new Uint8Array(8);
  new DataView(bytes.buffer).setBigUint64(0, BigInt(round));
  return sha256(bytes);
}

/** A round's randomness: SHA-256 hex of the signature bytes. */
export function beaconRandomness(signatureHex: string): string {
  return bytesToHex(sha256(hexToBytes(signatureHex)));
}

const HEX = /^[0-9a-f]*$/i;

/**
 * True when `round.signature` is the chain's signature of `round.round` and `round.randomness` is its
 * SHA-256. Never throws: malformed input (bad hex, a point not on the curve, an unknown scheme) is false.
 */
export function verifyBeaconRound(chain: BeaconChainKey, round: SignedBeaconRound): boolean {
  if (chain.scheme !== BEACON_SCHEME) return false;
  if (!Number.isSafeInteger(round.round) || round.round < 1) return false;
  const { signature, randomness } = round;
  if (!HEX.test(signature) || signature.length !== 96) return false;
  if (!HEX.test(randomness) || randomness.length !== 64) return false;
  if (!HEX.test(chain.publicKey) || chain.publicKey.length !== 192) return false;
  if (beaconRandomness(signature) !== randomness.toLowerCase()) return false;
  try {
    const message = bls.shortSignatures.hash(beaconMessage(round.round), BEACON_DST);
    return bls.shortSignatures.verify(signature.toLowerCase(), message, chain.publicKey.toLowerCase());
  } catch {
    return false;
  }
}

export interface LocalBeaconKeypair {
  /** 32-byte BLS secret scalar (big-endian). */
  secretKey: Uint8Array;
  /** hex, G2 compressed (96 bytes). */
  publicKey: string;
}

/**
 * The local beacon's keypair from a 32-byte hex secret (any value): scalar = (secret mod (r − 1)) + 1, where r
 * is the BLS12-381 group order, so every secret maps to a valid non-zero key.
 */
export function localBeaconKeypair(secretHex: string): LocalBeaconKeypair {
  if (!/^[0-9a-f]{64}$/i.test(secretHex)) throw new Error('the local beacon secret must be 32 bytes of hex');
  const order = bls.fields.Fr.ORDER;
  const scalar = (BigInt(`0x${secretHex}`) % (order - 1n)) + 1n;
  const secretKey = hexToBytes(scalar.toString(16).padStart(64, '0'));
  const publicKey = bls.shortSignatures.getPublicKey(secretKey).toHex(true);
  return { secretKey, publicKey };
}

/** Signs round `round` like a drand quicknet node: the returned round verifies with `verifyBeaconRound`. */
export function signBeaconRound(secretKey: Uint8Array, round: number): SignedBeaconRound {
  const message = bls.shortSignatures.hash(beaconMessage(round), BEACON_DST);
  const signature = bls.shortSignatures.sign(message, secretKey).toHex(true);
  return { round, randomness: beaconRandomness(signature), signature };
}
