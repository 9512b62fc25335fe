import { adminAuditLog, type Executor } from '@popbox/db';

/** The staff member behind an admin mutation, passed to every admin use case. */
export interface AdminActor {
  /** Null for the shop's own automation (e.g. issue 13's automatic refunds), named by `email`. */
  userId: string | null;
  email: string;
  requestId?: string | undefined;
}

export interface AuditEntry {
  action: string;
  entityType: string;
  entityId?: string | null;
  before?: unknown;
  after?: unknown;
}

/**
 * F13: one audit row per admin mutation, written with the caller's transaction handle so the row exists
 * exactly when the change commits.
 */
export async function recordAudit(tx: Executor, actor: AdminActor, entry: AuditEntry): Promise<void> {
  await tx.insert(adminAuditLog).values({
    actorUserId: actor.userId,
    actorEmail: actor.email,
    action: entry.action,
    entityType: entry.entityType,
    entityId: entry.entityId ?? null,
    before: entry.before ?? null,
    after: entry.after ?? null,
    requestId: actor.requestId ?? null,
  });
}
