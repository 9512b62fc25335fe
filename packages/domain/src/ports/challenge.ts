/**
 * Issue 13: the bot challenge a buyer passes before checking out a capped product (a drop). Cloudflare
 * Turnstile in production when `TURNSTILE_SECRET_KEY` is set; the embedded default accepts everything.
 */
export interface ChallengeVerification {
  ok: boolean;
  /** Why a token was refused: missing, invalid, expired, already used, or the provider could not say. */
  reason?: 'missing' | 'invalid' | 'expired' | 'reused' | 'unavailable';
}

export interface ChallengePort {
  readonly kind: 'embedded' | 'turnstile';
  /** Whether checkout of a capped product must carry a token (false for the embedded default). */
  readonly required: boolean;
  /** Verifies a token once (server-side); a token is never accepted twice. */
  verify(token: string | null | undefined, remoteIp?: string | undefined): Promise<ChallengeVerification>;
}
