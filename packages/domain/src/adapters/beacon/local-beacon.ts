import { sha256 } from '@noble/hashes/sha2';
import { BEACON_SCHEME, localBeaconKeypair, signBeaconRound } from '../../kuji-verifier/beacon-signature.js';
import { bytesToHex, roundPublishedAt } from '../../kuji-verifier/recipe-v2.js';
import type { BeaconChainInfo, BeaconRound, RandomnessBeacon } from '../../ports/beacon.js';
import type { Clock } from '../../shared/ports.js';

export const LOCAL_BEACON_LABEL = 'local beacon (development)';
export const LOCAL_BEACON_CHAIN_RECIPE = 'popbox-local-beacon-v1';

/**
 * The chain hash of a local beacon: SHA-256 hex of the UTF-8 JSON text
 * `["popbox-local-beacon-v1", scheme, publicKeyHex, periodSeconds, genesisTime]` (JSON.stringify, no spaces,
 * public key lowercase). It names the chain in epochs and rounds, like drand's chain hash does.
 */
export function localBeaconChainHash(info: {
  scheme: string;
  publicKey: string;
  periodSeconds: number;
  genesisTime: number;
}): string {
  const text = JSON.stringify([
    LOCAL_BEACON_CHAIN_RECIPE,
    info.scheme,
    info.publicKey.toLowerCase(),
    info.periodSeconds,
    info.genesisTime,
  ]);
  return bytesToHex(sha256(new TextEncoder().encode(text)));
}

export interface LocalBeaconOptions {
  /** 32 bytes of hex; the BLS key is derived from it (RECIPE.md §7). */
  secretHex: string;
  periodSeconds: number;
  /** Unix seconds of round 1. */
  genesisTime: number;
  clock: Clock;
}

/**
 * The embedded beacon for `pnpm dev` and tests: rounds are signed with a local BLS key in drand quicknet's
 * scheme, so the public verifier checks them with the same code as drand's. A round is null until its publish
 * time on `clock`. Never for production: whoever holds the secret knows every future round.
 */
export function localBeacon(opts: LocalBeaconOptions): RandomnessBeacon {
  if (!Number.isInteger(opts.periodSeconds) || opts.periodSeconds < 1)
    throw new Error('local beacon: periodSeconds must be a positive integer');
  if (!Number.isInteger(opts.genesisTime)) throw new Error('local beacon: genesisTime must be Unix seconds');
  const { secretKey, publicKey } = localBeaconKeypair(opts.secretHex);
  const info: BeaconChainInfo = {
    hash: '',
    scheme: BEACON_SCHEME,
    publicKey,
    periodSeconds: opts.periodSeconds,
    genesisTime: opts.genesisTime,
    label: LOCAL_BEACON_LABEL,
  };
  info.hash = localBeaconChainHash(info);
  const signed = new Map<number, BeaconRound>();
  return {
    kind: 'local',
    chain: () => ({ ...info }),
    round(round) {
      if (!Number.isSafeInteger(round) || round < 1)
        return Promise.reject(new Error(`local beacon: bad round ${round}`));
      if (opts.clock.now().getTime() < roundPublishedAt(info, round) * 1000) return Promise.resolve(null);
      let result = signed.get(round);
      if (!result) {
        result = signBeaconRound(secretKey, round);
        if (signed.size >= 1000) signed.delete(signed.keys().next().value!);
        signed.set(round, result);
      }
      return Promise.resolve({ ...result });
    },
  };
}
