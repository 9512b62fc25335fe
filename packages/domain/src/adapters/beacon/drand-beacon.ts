import type {
  Chain,
  ChainClient,
  ChainInfo,
  ChainOptions,
  RandomnessBeacon as DrandBeaconRound,
} from 'drand-client';
import { verifyBeaconRound } from '../../kuji-verifier/beacon-signature.js';
import { QUICKNET_CHAIN } from '../../kuji-verifier/quicknet-vectors.js';
import { roundPublishedAt } from '../../kuji-verifier/recipe-v2.js';
import {
  BeaconUnavailableError,
  type BeaconChainInfo,
  type BeaconRound,
  type RandomnessBeacon,
} from '../../ports/beacon.js';
import { systemClock, type Clock } from '../../shared/ports.js';

/** drand's public HTTP relays (League of Entropy). */
export const DRAND_DEFAULT_RELAYS = [
  'https://api.drand.sh',
  'https://api2.drand.sh',
  'https://api3.drand.sh',
  'https://drand.cloudflare.com',
];

/** A round the relays still answer "not found" for is treated as not published for this long after its time. */
const PUBLISH_GRACE_MS = 10_000;

export interface DrandBeaconOptions {
  /** Relay base URLs, tried in order (default DRAND_DEFAULT_RELAYS). */
  urls?: string[];
  /** Only quicknet's chain info is built in (the default). */
  chainHash?: string;
  fetch?: typeof globalThis.fetch;
  /** Per HTTP request (default 5000). */
  timeoutMs?: number;
  clock?: Clock;
}

class RelayHttpError extends Error {
  constructor(
    readonly url: string,
    readonly status: number,
  ) {
    super(`${url} answered HTTP ${status}`);
  }
}

function sameChain(info: ChainInfo, expected: BeaconChainInfo): boolean {
  return (
    info.hash === expected.hash &&
    info.public_key === expected.publicKey &&
    info.schemeID === expected.scheme &&
    info.period === expected.periodSeconds &&
    info.genesis_time === expected.genesisTime
  );
}

/**
 * The production beacon: drand quicknet through `drand-client` over several HTTP relays, each relay's /info
 * checked against the built-in chain info, every round's BLS signature verified by drand-client AND again by the
 * public verifier's `verifyBeaconRound` before it is returned. Null for a round whose time has not come; throws
 * BeaconUnavailableError when no relay gives a valid round. Never falls back to local randomness.
 */
export function drandBeacon(opts: DrandBeaconOptions = {}): RandomnessBeacon {
  const chainHash = opts.chainHash ?? QUICKNET_CHAIN.hash;
  if (chainHash !== QUICKNET_CHAIN.hash)
    throw new Error(`drand beacon: only quicknet (${QUICKNET_CHAIN.hash}) is built in, not ${chainHash}`);
  const info: BeaconChainInfo = {
    hash: QUICKNET_CHAIN.hash,
    scheme: QUICKNET_CHAIN.scheme,
    publicKey: QUICKNET_CHAIN.publicKey,
    periodSeconds: QUICKNET_CHAIN.periodSeconds,
    genesisTime: QUICKNET_CHAIN.genesisTime,
    label: QUICKNET_CHAIN.label,
  };
  const urls = opts.urls ?? DRAND_DEFAULT_RELAYS;
  if (urls.length === 0) throw new Error('drand beacon: no relay URLs');
  const doFetch = opts.fetch ?? globalThis.fetch.bind(globalThis);
  const timeoutMs = opts.timeoutMs ?? 5000;
  const clock = opts.clock ?? systemClock;
  const options: ChainOptions = {
    disableBeaconVerification: false,
    noCache: false,
    chainVerificationParams: { chainHash: info.hash, publicKey: info.publicKey },
  };

  async function getJson(url: string): Promise<unknown> {
    const response = await doFetch(url, {
      headers: { accept: 'application/json' },
      signal: AbortSignal.timeout(timeoutMs),
    });
    if (!response.ok) throw new RelayHttpError(url, response.status);
    return response.json();
  }

  const clients = urls.map((url): ChainClient => {
    const baseUrl = `${url.replace(/\/+$/, '')}/${info.hash}`;
    let verifiedInfo: ChainInfo | null = null;
    const chain: Chain = {
      baseUrl,
      async info() {
        if (!verifiedInfo) {
          const fetched = (await getJson(`${baseUrl}/info`)) as ChainInfo;
          if (!sameChain(fetched, info)) throw new Error(`${baseUrl}/info does not describe drand quicknet`);
          verifiedInfo = fetched;
        }
        return verifiedInfo;
      },
    };
    return {
      options,
      chain: () => chain,
      get: async (round) => (await getJson(`${baseUrl}/public/${round}`)) as DrandBeaconRound,
      latest: async () => (await getJson(`${baseUrl}/public/latest`)) as DrandBeaconRound,
    };
  });

  return {
    kind: 'drand',
    chain: () => ({ ...info }),
    async round(round) {
      if (!Number.isSafeInteger(round) || round < 1) throw new Error(`drand beacon: bad round ${round}`);
      const publishedMs = roundPublishedAt(info, round) * 1000;
      const now = clock.now().getTime();
      if (now < publishedMs) return null;
      const failures: string[] = [];
      let notYet = false;
      // Loaded at the first round asked for, not at startup: an API that sells no kuji never needs it.
      const { fetchBeacon } = await import('drand-client');
      for (const client of clients) {
        try {
          // drand-client checks the relay's /info against the chain params and verifies the BLS signature.
          const beacon = await fetchBeacon(client, round);
          const candidate: BeaconRound = {
            round: beacon.round,
            randomness: beacon.randomness.toLowerCase(),
            signature: beacon.signature.toLowerCase(),
          };
          if (candidate.round !== round || !verifyBeaconRound(info, candidate))
            throw new Error(`round ${round} failed signature verification`);
          return candidate;
        } catch (err) {
          if (err instanceof RelayHttpError && (err.status === 404 || err.status === 425)) notYet = true;
          failures.push(`${client.chain().baseUrl}: ${err instanceof Error ? err.message : String(err)}`);
        }
      }
      if (notYet && now < publishedMs + PUBLISH_GRACE_MS) return null;
      throw new BeaconUnavailableError(
        `drand round ${round} unavailable from every relay: ${failures.join('; ')}`,
      );
    },
  };
}
