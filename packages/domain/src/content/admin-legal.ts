import { and, asc, desc, eq, ne, sql } from 'drizzle-orm';
import { legalDocuments } from '@popbox/db';
import type { Deps } from '../shared/deps.js';
import { notFound } from '../shared/errors.js';
import type { AdminActor } from '../audit/record-audit.js';
import { toLegalView, type LegalType } from './legal.js';
import { publishLegalVersion } from './publish-legal-document.js';

/** B15 admin: every version of the non-FAQ documents (optionally one type), type, version desc, newest. */
export async function listAdminLegalDocuments(
  deps: Pick<Deps, 'db'>,
  input: { type?: LegalType | undefined },
) {
  const rows = await deps.db
    .select()
    .from(legalDocuments)
    .where(and(ne(legalDocuments.type, 'faq'), input.type ? eq(legalDocuments.type, input.type) : sql`true`))
    .orderBy(asc(legalDocuments.type), desc(legalDocuments.version), desc(legalDocuments.createdAt));
  return { items: rows.map(toLegalView) };
}

/** One stored version; FAQ-typed legacy rows do not exist as far as the API is concerned. */
export async function getAdminLegalDocument(deps: Pick<Deps, 'db'>, id: string) {
  const [row] = await deps.db
    .select()
    .from(legalDocuments)
    .where(and(eq(legalDocuments.id, id), ne(legalDocuments.type, 'faq')));
  if (!row) throw notFound('Legal document', { id });
  return toLegalView(row);
}

/** `PATCH /admin/legal/{id}`: publishes a NEW version of the source's type; the source row is unchanged. */
export async function republishLegalDocument(
  deps: Pick<Deps, 'db'>,
  actor: AdminActor,
  input: { id: string; content: string },
) {
  return deps.db.transaction(async (tx) => {
    const [source] = await tx
      .select({ type: legalDocuments.type })
      .from(legalDocuments)
      .where(and(eq(legalDocuments.id, input.id), ne(legalDocuments.type, 'faq')));
    if (!source) throw notFound('Legal document', { id: input.id });
    return publishLegalVersion(tx, actor, source.type as LegalType, input.content, input.id);
  });
}
