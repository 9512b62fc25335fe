import type { Resend } from 'resend';
import { loadOnce } from '../../shared/load-once.js';
import { EmailDeliveryError, type EmailSender } from '../../ports/email.js';

export interface ResendSenderOptions {
  apiKey: string;
  /** RESEND_BASE_URL; tests point it at a fake server. Always passed, so the SDK never reads env itself. */
  baseUrl?: string | undefined;
  /** Per-request timeout; a timed-out send is retried with the same idempotency key. */
  timeoutMs?: number;
}

/**
 * Provider answers worth retrying: rate limits, concurrent use of the same idempotency key, and auth or
 * server trouble (a rotated API key is fixed by configuration, not by dropping the email).
 */
const RETRYABLE_NAMES = new Set([
  'rate_limit_exceeded',
  'daily_quota_exceeded',
  'monthly_quota_exceeded',
  'concurrent_idempotent_requests',
  'missing_api_key',
  'invalid_api_key',
  'restricted_api_key',
  'application_error',
  'internal_server_error',
]);

/** Resend errors carry an HTTP status (null for network failures and timeouts) and a stable name. */
export function isPermanentResendError(error: { statusCode: number | null; name: string }): boolean {
  if (RETRYABLE_NAMES.has(error.name)) return false;
  const status = error.statusCode;
  if (status === null || status === 408 || status === 429 || status >= 500) return false;
  // Remaining 4xx: validation errors, invalid from/to, an idempotency key reused with another payload.
  return status >= 400;
}

/** Production email adapter (B18): the `resend` SDK with the outbox row id as the idempotency key. */
export function resendEmailSender(opts: ResendSenderOptions): EmailSender {
  // Issue 14 (lean memory): the SDK loads on the first send, not at startup.
  const client = loadOnce(() =>
    import('resend').then(
      ({ Resend }) => new Resend(opts.apiKey, { baseUrl: opts.baseUrl ?? 'https://api.resend.com' }),
    ),
  );
  const timeoutMs = opts.timeoutMs ?? 10_000;
  return {
    kind: 'resend',
    async send(message) {
      let response: Awaited<ReturnType<Resend['emails']['send']>>;
      try {
        response = await (
          await client()
        ).emails.send(
          {
            from: message.from,
            to: message.to,
            subject: message.subject,
            html: message.html,
            text: message.text,
            ...(message.replyTo ? { replyTo: message.replyTo } : {}),
            ...(message.headers ? { headers: message.headers } : {}),
          },
          { idempotencyKey: message.idempotencyKey, signal: AbortSignal.timeout(timeoutMs) },
        );
      } catch (error) {
        throw new EmailDeliveryError(`Resend request failed: ${String(error)}`, false, { cause: error });
      }
      if (response.error) {
        const { statusCode, name, message: text } = response.error;
        throw new EmailDeliveryError(
          `Resend ${statusCode ?? 'network'} ${name}: ${text}`,
          isPermanentResendError(response.error),
        );
      }
      return { id: response.data.id };
    },
  };
}
