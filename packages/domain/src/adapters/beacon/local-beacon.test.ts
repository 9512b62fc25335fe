import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { verifyBeaconRound } from '../../kuji-verifier/beacon-signature.js';
import { fixedClock } from '../../shared/ports.js';
import { localBeacon, localBeaconChainHash } from './local-beacon.js';

const secretHex = '5e'.repeat(32);
const genesisTime = 1_750_000_000;

describe('localBeacon', () => {
  it('publishes each round at its time, signed so the public verifier accepts it', async () => {
    const clock = fixedClock(new Date((genesisTime + 9) * 1000 - 1)); // just before round 4 (genesis + 3·3 s)
    const beacon = localBeacon({ secretHex, periodSeconds: 3, genesisTime, clock });
    expect(beacon.kind).toBe('local');
    expect(await beacon.round(3)).not.toBeNull();
    expect(await beacon.round(4)).toBeNull();
    clock.advance(1);
    const round = await beacon.round(4);
    expect(round).not.toBeNull();
    expect(verifyBeaconRound(beacon.chain(), round!)).toBe(true);
    expect(verifyBeaconRound(beacon.chain(), { ...round!, round: 5 })).toBe(false);
    // deterministic: another process with the same secret serves the same round
    const other = localBeacon({ secretHex, periodSeconds: 3, genesisTime, clock });
    expect(await other.round(4)).toEqual(round);
    await expect(beacon.round(0)).rejects.toThrow(/bad round/);
  });

  it('names its chain by the documented hash of its chain info', () => {
    const beacon = localBeacon({ secretHex, periodSeconds: 3, genesisTime, clock: fixedClock(new Date()) });
    const chain = beacon.chain();
    expect(chain).toMatchObject({ scheme: 'bls-unchained-g1-rfc9380', periodSeconds: 3, genesisTime });
    expect(chain.label).toMatch(/local beacon/);
    const text = `["popbox-local-beacon-v1","bls-unchained-g1-rfc9380","${chain.publicKey}",3,${genesisTime}]`;
    expect(chain.hash).toBe(createHash('sha256').update(text).digest('hex'));
    expect(localBeaconChainHash(chain)).toBe(chain.hash);
    const other = localBeacon({
      secretHex: '5f'.repeat(32),
      periodSeconds: 3,
      genesisTime,
      clock: fixedClock(new Date()),
    });
    expect(other.chain().hash).not.toBe(chain.hash);
  });
});
