import type { ChallengePort, ChallengeVerification } from '../../ports/challenge.js';
import type { Clock, Logger } from '../../shared/ports.js';

export const TURNSTILE_SITEVERIFY_URL = 'https://challenges.cloudflare.com/turnstile/v0/siteverify';
/** Turnstile tokens are valid for 300 s and single use. */
export const CHALLENGE_TOKEN_TTL_MS = 300_000;
/** Turnstile tokens are at most 2048 characters. */
const MAX_TOKEN_LENGTH = 2048;

export interface TurnstileOptions {
  secretKey: string;
  /** Tests: a local fake siteverify server. */
  siteverifyUrl?: string | undefined;
  clock: Clock;
  logger?: Logger | undefined;
  /** Per request (default 5 s): a slow Cloudflare answers "unavailable", never hangs a checkout. */
  timeoutMs?: number | undefined;
  fetchImpl?: typeof fetch | undefined;
}

interface SiteverifyAnswer {
  success?: boolean;
  challenge_ts?: string;
  'error-codes'?: string[];
}

/**
 * Cloudflare Turnstile, verified server-side at siteverify. Single use: Turnstile itself refuses a token
 * seen before (`timeout-or-duplicate`), and this adapter also remembers the tokens it accepted for their
 * 300 s life, so a replay is refused without asking Cloudflare (and before a replay could race the first
 * use across a slow siteverify). A token whose `challenge_ts` is older than 300 s is refused as expired.
 * The memory is per process; Cloudflare's own single-use rule holds across replicas.
 */
export function turnstileChallenge(opts: TurnstileOptions): ChallengePort {
  const used = new Map<string, number>(); // token → when it stops mattering (epoch ms)
  const url = opts.siteverifyUrl ?? TURNSTILE_SITEVERIFY_URL;
  const doFetch = opts.fetchImpl ?? fetch;

  const forgetExpired = (now: number) => {
    for (const [token, until] of used) if (until <= now) used.delete(token);
  };

  return {
    kind: 'turnstile',
    required: true,
    async verify(token, remoteIp): Promise<ChallengeVerification> {
      const value = token?.trim();
      if (!value) return { ok: false, reason: 'missing' };
      if (value.length > MAX_TOKEN_LENGTH) return { ok: false, reason: 'invalid' };
      const now = opts.clock.now().getTime();
      forgetExpired(now);
      if (used.has(value)) return { ok: false, reason: 'reused' };
      // Claimed before the network call: two concurrent uses of one token cannot both pass.
      used.set(value, now + CHALLENGE_TOKEN_TTL_MS);
      const body = new URLSearchParams({ secret: opts.secretKey, response: value });
      if (remoteIp) body.set('remoteip', remoteIp);
      let answer: SiteverifyAnswer;
      try {
        const res = await doFetch(url, {
          method: 'POST',
          body,
          signal: AbortSignal.timeout(opts.timeoutMs ?? 5000),
        });
        if (!res.ok) throw new Error(`siteverify answered ${res.status}`);
        answer = (await res.json()) as SiteverifyAnswer;
      } catch (err) {
        used.delete(value); // not consumed by us: the buyer may retry with it
        opts.logger?.warn({ err }, 'challenge: Turnstile siteverify unreachable');
        return { ok: false, reason: 'unavailable' };
      }
      if (!answer.success) {
        const codes = answer['error-codes'] ?? [];
        return { ok: false, reason: codes.includes('timeout-or-duplicate') ? 'reused' : 'invalid' };
      }
      const issued = answer.challenge_ts ? Date.parse(answer.challenge_ts) : NaN;
      if (Number.isFinite(issued) && now - issued > CHALLENGE_TOKEN_TTL_MS) {
        return { ok: false, reason: 'expired' };
      }
      return { ok: true };
    },
  };
}
