import { createHash } from 'node:crypto';
import type { BeaconChainInfo, BeaconRound, RandomnessBeacon } from '../ports/beacon.js';

/**
 * A beacon for tests: every round is published (genesis far in the past, one-second rounds), with
 * deterministic randomness `sha256hex('r' + round)`. Signatures are placeholders — only for tests that do not
 * verify rounds. Combine with a clock the test moves to decide which rounds exist (`currentRound`).
 */
export function fakeBeacon(opts: { genesisTime?: number; label?: string } = {}): RandomnessBeacon {
  const chain: BeaconChainInfo = {
    hash: createHash('sha256')
      .update(`fake-beacon:${opts.label ?? 'test'}`)
      .digest('hex'),
    scheme: 'bls-unchained-g1-rfc9380',
    publicKey: 'ab'.repeat(96),
    periodSeconds: 1,
    genesisTime: opts.genesisTime ?? 1_000_000_000,
    label: opts.label ?? 'fake beacon (tests)',
  };
  return {
    kind: 'local',
    chain: () => chain,
    round: async (round: number): Promise<BeaconRound> => ({
      round,
      randomness: createHash('sha256').update(`r${round}`).digest('hex'),
      signature: 'ab',
    }),
  };
}
