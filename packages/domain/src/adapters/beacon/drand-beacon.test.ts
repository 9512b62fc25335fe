import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { beaconRandomness } from '../../kuji-verifier/beacon-signature.js';
import { QUICKNET_CHAIN, QUICKNET_ROUNDS } from '../../kuji-verifier/quicknet-vectors.js';
import { BeaconUnavailableError } from '../../ports/beacon.js';
import { fixedClock } from '../../shared/ports.js';
import { drandBeacon } from './drand-beacon.js';

const quicknetInfo = {
  public_key: QUICKNET_CHAIN.publicKey,
  period: QUICKNET_CHAIN.periodSeconds,
  genesis_time: QUICKNET_CHAIN.genesisTime,
  hash: QUICKNET_CHAIN.hash,
  groupHash: QUICKNET_CHAIN.groupHash,
  schemeID: QUICKNET_CHAIN.scheme,
  metadata: { beaconID: 'quicknet' },
};
const vector = QUICKNET_ROUNDS[0]; // round 1000
/** A valid quicknet signature, but of another round: only the pairing check can tell. */
const forgedSignature = QUICKNET_ROUNDS[1].signature;

type Mode = 'honest' | 'forged' | 'error' | 'wrong-info';

/** A fake drand relay serving quicknet's real round 1000. */
async function relay(mode: Mode): Promise<{ url: string; server: Server; hits: string[] }> {
  const hits: string[] = [];
  const server = createServer((req, res) => {
    hits.push(req.url!);
    const send = (status: number, body: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    if (mode === 'error') return send(500, { error: 'down' });
    const prefix = `/${QUICKNET_CHAIN.hash}`;
    if (req.url === `${prefix}/info`)
      return send(
        200,
        mode === 'wrong-info' ? { ...quicknetInfo, public_key: 'a'.repeat(192) } : quicknetInfo,
      );
    if (req.url === `${prefix}/public/1000`) {
      const signature = mode === 'forged' ? forgedSignature : vector.signature;
      return send(200, { round: 1000, randomness: beaconRandomness(signature), signature });
    }
    return send(404, { error: 'not found' });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server, hits };
}

let relays: Record<Mode, Awaited<ReturnType<typeof relay>>>;
let closedUrl: string;
const round1000At = (QUICKNET_CHAIN.genesisTime + 999 * QUICKNET_CHAIN.periodSeconds) * 1000;

beforeAll(async () => {
  relays = {
    honest: await relay('honest'),
    forged: await relay('forged'),
    error: await relay('error'),
    'wrong-info': await relay('wrong-info'),
  };
  const closed = await relay('honest');
  closedUrl = closed.url;
  await new Promise((resolve) => closed.server.close(resolve));
  vi.spyOn(console, 'error').mockImplementation(() => {}); // drand-client logs failed verifications
});
afterAll(async () => {
  for (const r of Object.values(relays)) await new Promise((resolve) => r.server.close(resolve));
  vi.restoreAllMocks();
});

const beacon = (urls: string[], nowMs = round1000At + 60_000) =>
  drandBeacon({ urls, clock: fixedClock(new Date(nowMs)), timeoutMs: 2000 });

describe('drandBeacon', () => {
  it('serves quicknet chain info statically', () => {
    const b = beacon([relays.honest.url]);
    expect(b.kind).toBe('drand');
    expect(b.chain()).toMatchObject({
      hash: '52db9ba70e0cc0f6eaf7803dd07447a1f5477735fd3f661792ba94600c84e971',
      scheme: 'bls-unchained-g1-rfc9380',
      periodSeconds: 3,
      genesisTime: 1692803367,
    });
    expect(() => drandBeacon({ chainHash: 'ab'.repeat(32) })).toThrow(/only quicknet/);
  });

  it('fetches and verifies a real round, skipping relays that are down', async () => {
    const round = await beacon([closedUrl, relays.error.url, relays.honest.url]).round(1000);
    expect(round).toEqual({ round: 1000, randomness: vector.randomness, signature: vector.signature });
    expect(relays.honest.hits).toContain(`/${QUICKNET_CHAIN.hash}/info`);
  });

  it('answers null before the round is published, without asking any relay', async () => {
    const before = relays.honest.hits.length;
    expect(await beacon([relays.honest.url], round1000At - 1).round(1000)).toBeNull();
    expect(relays.honest.hits.length).toBe(before);
  });

  it('answers null for a round the relays do not have yet just after its time, then gives up', async () => {
    const r1001 = round1000At + 3000;
    expect(await beacon([relays.honest.url], r1001 + 500).round(1001)).toBeNull();
    await expect(beacon([relays.honest.url], r1001 + 60_000).round(1001)).rejects.toBeInstanceOf(
      BeaconUnavailableError,
    );
  });

  it('throws BeaconUnavailableError when every relay is down', async () => {
    const err = await beacon([closedUrl, relays.error.url])
      .round(1000)
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(BeaconUnavailableError);
    expect((err as Error).message).toMatch(/HTTP 500/);
  });

  it('rejects a forged signature and a relay describing another chain', async () => {
    const forged = await beacon([relays.forged.url])
      .round(1000)
      .catch((e: unknown) => e);
    expect(forged).toBeInstanceOf(BeaconUnavailableError);
    expect((forged as Error).message).toMatch(/beacon retrieved was not valid/);
    await expect(beacon([relays['wrong-info'].url]).round(1000)).rejects.toThrow(
      /does not describe drand quicknet/,
    );
    // an honest relay after a lying one still serves the real round
    const round = await beacon([relays.forged.url, relays['wrong-info'].url, relays.honest.url]).round(1000);
    expect(round?.signature).toBe(vector.signature);
  });
});
