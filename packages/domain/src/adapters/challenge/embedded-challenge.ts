import type { ChallengePort } from '../../ports/challenge.js';
import type { Logger } from '../../shared/ports.js';

/**
 * The embedded default: no challenge provider is configured, so every checkout passes — and the log says so
 * (once at start, then at debug level per checkout), so nobody mistakes it for protection.
 */
export function embeddedChallenge(logger?: Logger): ChallengePort {
  logger?.warn(
    { challenge: 'embedded' },
    'challenge: no TURNSTILE_SECRET_KEY configured — checkouts of capped products are NOT challenged (every token is accepted)',
  );
  return {
    kind: 'embedded',
    required: false,
    async verify() {
      logger?.debug({ challenge: 'embedded' }, 'challenge: accepted without verification (embedded default)');
      return { ok: true };
    },
  };
}
