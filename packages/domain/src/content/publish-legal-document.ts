import { and, eq, sql } from 'drizzle-orm';
import { isUniqueViolation, legalDocuments, type Tx } from '@popbox/db';
import type { Deps } from '../shared/deps.js';
import { DomainError } from '../shared/errors.js';
import { recordAudit, type AdminActor } from '../audit/record-audit.js';
import { toLegalView, type LegalType } from './legal.js';

/**
 * B15 publish-on-write: version = max + 1, the previous active row deactivated, the new one active, in one
 * transaction. A per-type advisory lock serialises publishers; should two still collide on the unique
 * indexes (e.g. a manual insert), the answer is 409 "retry".
 */
export async function publishLegalVersion(
  tx: Tx,
  actor: AdminActor,
  type: LegalType,
  content: string,
  sourceId?: string,
) {
  await tx.execute(sql`select pg_advisory_xact_lock(hashtext(${`legal_documents:${type}`}))`);
  const [{ next } = { next: 1 }] = (
    await tx.execute(
      sql`select coalesce(max(version), 0)::int + 1 as next from legal_documents where type = ${type}`,
    )
  ).rows as { next: number }[];
  try {
    const [previous] = await tx
      .update(legalDocuments)
      .set({ isActive: false })
      .where(and(eq(legalDocuments.type, type), eq(legalDocuments.isActive, true)))
      .returning({ id: legalDocuments.id, version: legalDocuments.version });
    const [row] = await tx
      .insert(legalDocuments)
      .values({ type, content, version: next, isActive: true })
      .returning();
    const view = toLegalView(row!);
    await recordAudit(tx, actor, {
      action: 'legal.publish',
      entityType: 'legal_document',
      entityId: view.id,
      before: previous ? { id: previous.id, version: previous.version } : null,
      after: { type, version: view.version, sourceId: sourceId ?? null, contentLength: content.length },
    });
    return view;
  } catch (error) {
    if (isUniqueViolation(error)) {
      throw new DomainError('CONFLICT', 'Another version was published at the same time; retry', undefined, {
        cause: error,
      });
    }
    throw error;
  }
}

/** `POST /admin/legal`: first or next version of a type. */
export function publishLegalDocument(
  deps: Pick<Deps, 'db'>,
  actor: AdminActor,
  input: { type: LegalType; content: string },
) {
  return deps.db.transaction((tx) => publishLegalVersion(tx, actor, input.type, input.content));
}
