/**
 * A public randomness beacon (issue 12): the drand network ("quicknet") in production, the local beacon as the
 * embedded default for `pnpm dev` and tests. Kuji lines are dealt with the randomness of a round published
 * after the line was logged, so nobody — the shop included — can know a draw in advance.
 */
export interface BeaconChainInfo {
  /** Chain hash (hex): identifies the chain; stored with each epoch and round. */
  hash: string;
  /** Signature scheme; both adapters use `bls-unchained-g1-rfc9380` (drand quicknet). */
  scheme: string;
  /** BLS public key, hex (G2, 96 bytes compressed). */
  publicKey: string;
  periodSeconds: number;
  /** Unix seconds at which round 1 is published. */
  genesisTime: number;
  /** Human label shown in the fairness document ("drand quicknet", "local beacon (development)"). */
  label: string;
}

export interface BeaconRound {
  round: number;
  /** hex; SHA-256 of the signature bytes. */
  randomness: string;
  /** hex BLS signature over SHA-256(uint64be(round)). */
  signature: string;
}

export interface RandomnessBeacon {
  readonly kind: 'drand' | 'local';
  /** The chain this beacon serves; static (no network) so the API can compute target rounds offline. */
  chain(): BeaconChainInfo;
  /**
   * Round `round`, its signature verified against `chain().publicKey` before it is returned. Resolves null
   * when the round is not published yet; rejects with BeaconUnavailableError when it cannot be fetched
   * (network, relays down) or fails verification.
   */
  round(round: number): Promise<BeaconRound | null>;
}

export class BeaconUnavailableError extends Error {
  override readonly name = 'BeaconUnavailableError';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}
