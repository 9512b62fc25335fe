import type { RandomnessBeacon } from '../../ports/beacon.js';
import type { Clock } from '../../shared/ports.js';
import { drandBeacon, DRAND_DEFAULT_RELAYS } from './drand-beacon.js';
import { localBeacon } from './local-beacon.js';

/**
 * Issue 12: which randomness beacon deals kuji draws, read from the environment by both apps (the API needs
 * the chain to assign target rounds, the jobs app fetches rounds). Production always uses drand: the local
 * beacon is refused there, and nothing ever falls back to local randomness.
 */
export const DEFAULT_DRAND_URLS = DRAND_DEFAULT_RELAYS;

/** Embedded default for `pnpm dev` and tests; refused in production (anyone can read it here). */
export const DEV_LOCAL_BEACON_SECRET = '5eed'.repeat(16);
/** The local beacon's round 1: 2026-01-01T00:00:00Z. */
export const LOCAL_BEACON_GENESIS = 1_767_225_600;

export type BeaconSettings =
  | { kind: 'drand'; urls: string[] }
  | { kind: 'local'; secretHex: string; periodSeconds: number; genesisTime: number };

/** Parses the beacon settings; returns problems as "NAME: message" lines (the apps' ConfigError style). */
export function beaconSettingsFromEnv(
  env: Record<string, string | undefined>,
  production: boolean,
): { settings: BeaconSettings | null; problems: string[] } {
  const problems: string[] = [];
  const value = (name: string) => env[name]?.trim() || undefined;
  const kindRaw = value('KUJI_BEACON');
  if (kindRaw !== undefined && kindRaw !== 'drand' && kindRaw !== 'local')
    problems.push('KUJI_BEACON: must be drand or local');
  const urls = value('DRAND_URLS')
    ?.split(',')
    .map((u) => u.trim())
    .filter(Boolean);
  if (urls !== undefined) {
    if (urls.length === 0) problems.push('DRAND_URLS: must list at least one relay');
    for (const u of urls) {
      if (!/^https?:\/\/[^\s/]+/i.test(u) || !URL.canParse(u))
        problems.push(`DRAND_URLS: ${u} is not an absolute http(s) URL`);
    }
  }
  const secret = value('LOCAL_BEACON_SECRET');
  if (secret !== undefined && !/^[0-9a-f]{64}$/i.test(secret))
    problems.push('LOCAL_BEACON_SECRET: must be 64 hex characters (a 32-byte secret)');
  const periodRaw = value('LOCAL_BEACON_PERIOD_SECONDS');
  const period = periodRaw === undefined ? 3 : Number(periodRaw);
  if (!Number.isInteger(period) || period < 1 || period > 60)
    problems.push('LOCAL_BEACON_PERIOD_SECONDS: must be an integer 1..60');
  const e = { KUJI_BEACON: kindRaw as 'drand' | 'local' | undefined, LOCAL_BEACON_SECRET: secret };
  const kind = e.KUJI_BEACON ?? (production ? 'drand' : 'local');
  if (production && kind === 'local') {
    problems.push(
      'KUJI_BEACON: the local beacon is for development and tests; production deals kuji draws with drand',
    );
  }
  if (production && e.LOCAL_BEACON_SECRET?.toLowerCase() === DEV_LOCAL_BEACON_SECRET) {
    problems.push('LOCAL_BEACON_SECRET: the embedded development value is refused in production');
  }
  if (problems.length) return { settings: null, problems };
  return {
    settings:
      kind === 'drand'
        ? { kind, urls: urls ?? DEFAULT_DRAND_URLS }
        : {
            kind,
            secretHex: (e.LOCAL_BEACON_SECRET ?? DEV_LOCAL_BEACON_SECRET).toLowerCase(),
            periodSeconds: period,
            genesisTime: LOCAL_BEACON_GENESIS,
          },
    problems: [],
  };
}

/** Builds the configured beacon (both apps): drand quicknet over its relays, or the local beacon. */
export function createBeacon(settings: BeaconSettings, clock: Clock): RandomnessBeacon {
  return settings.kind === 'drand'
    ? drandBeacon({ urls: settings.urls, clock })
    : localBeacon({
        secretHex: settings.secretHex,
        periodSeconds: settings.periodSeconds,
        genesisTime: settings.genesisTime,
        clock,
      });
}
