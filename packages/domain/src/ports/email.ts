/** Delivers one email (Resend in production, the dev mailbox as the embedded default). */
export interface EmailMessage {
  from: string;
  to: string;
  replyTo?: string | null;
  subject: string;
  html: string;
  text: string;
  /** Extra headers, e.g. `List-Unsubscribe` + `List-Unsubscribe-Post` (RFC 8058) on alert emails. */
  headers?: Record<string, string>;
  /** Provider idempotency key: the outbox row id, so a retried delivery is never sent twice. */
  idempotencyKey: string;
}

export interface EmailSender {
  readonly kind: 'resend' | 'dev-mailbox';
  /** Resolves with the provider's message id; throws EmailDeliveryError on failure. */
  send(message: EmailMessage): Promise<{ id: string }>;
}

/** Provider message ids of the dev mailbox adapter; the mailbox page lists outbox rows sent with one. */
export const DEV_MAILBOX_ID_PREFIX = 'dev-mailbox:';

export class EmailDeliveryError extends Error {
  override readonly name = 'EmailDeliveryError';
  constructor(
    message: string,
    /** Permanent failures (invalid address, rejected) are not retried. */
    readonly permanent: boolean,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}
