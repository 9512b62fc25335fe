import { and, desc, eq, type SQL } from 'drizzle-orm';
import { emailOutbox, type EmailKind, type EmailOutboxStatus } from '@popbox/db';
import type { Deps } from '../shared/deps.js';
import { PAGE_SIZE_DEFAULT } from '../shared/constants.js';
import { decodeCursor, encodeCursor } from '../shared/cursor.js';
import { beforeKey, isPreciseTimestamp, preciseTimestamp } from '../shared/keyset.js';

export interface ListOutboxEmailsInput {
  status?: EmailOutboxStatus | undefined;
  kind?: EmailKind | undefined;
  orderId?: string | undefined;
  limit?: number | undefined;
  cursor?: string | undefined;
}

interface Position {
  createdAt: string;
  id: string;
}

const parsePosition = (raw: unknown): Position | null => {
  if (typeof raw !== 'object' || raw === null) return null;
  const { c, i } = raw as { c?: unknown; i?: unknown };
  if (!isPreciseTimestamp(c) || typeof i !== 'string' || !/^[0-9a-f-]{36}$/i.test(i)) return null;
  return { createdAt: c, id: i };
};

const iso = (d: Date | null) => (d ? d.toISOString() : null);

/** F7: the outbox for admins, newest first — delivery state without the bodies. */
export async function listOutboxEmails(deps: Pick<Deps, 'db'>, input: ListOutboxEmailsInput) {
  const limit = input.limit ?? PAGE_SIZE_DEFAULT;
  const after = decodeCursor(input.cursor, parsePosition);
  const where: SQL[] = [];
  if (input.status) where.push(eq(emailOutbox.status, input.status));
  if (input.kind) where.push(eq(emailOutbox.kind, input.kind));
  if (input.orderId) where.push(eq(emailOutbox.orderId, input.orderId));
  if (after) {
    where.push(beforeKey(emailOutbox.createdAt, emailOutbox.id, after.createdAt, after.id));
  }
  const rows = await deps.db
    .select({
      id: emailOutbox.id,
      kind: emailOutbox.kind,
      toEmail: emailOutbox.toEmail,
      subject: emailOutbox.subject,
      orderId: emailOutbox.orderId,
      status: emailOutbox.status,
      attempts: emailOutbox.attempts,
      maxAttempts: emailOutbox.maxAttempts,
      nextAttemptAt: emailOutbox.nextAttemptAt,
      lastError: emailOutbox.lastError,
      providerMessageId: emailOutbox.providerMessageId,
      sentAt: emailOutbox.sentAt,
      createdAt: emailOutbox.createdAt,
      updatedAt: emailOutbox.updatedAt,
      cursorAt: preciseTimestamp(emailOutbox.createdAt),
    })
    .from(emailOutbox)
    .where(and(...where))
    .orderBy(desc(emailOutbox.createdAt), desc(emailOutbox.id))
    .limit(limit + 1);
  const page = rows.slice(0, limit);
  const last = page.at(-1);
  return {
    items: page.map(({ toEmail, cursorAt: _cursorAt, ...row }) => ({
      ...row,
      to: toEmail,
      nextAttemptAt: row.status === 'queued' ? row.nextAttemptAt.toISOString() : null,
      sentAt: iso(row.sentAt),
      createdAt: row.createdAt.toISOString(),
      updatedAt: row.updatedAt.toISOString(),
    })),
    nextCursor: rows.length > limit && last ? encodeCursor({ c: last.cursorAt, i: last.id }) : null,
  };
}
