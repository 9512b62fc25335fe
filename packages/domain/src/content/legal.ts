import { and, asc, eq, ne } from 'drizzle-orm';
import { faqItems, legalDocuments } from '@popbox/db';
import type { Deps } from '../shared/deps.js';
import { notFound } from '../shared/errors.js';

export type LegalType = 'shipping_returns' | 'terms' | 'privacy';

export const LEGAL_TITLES: Record<LegalType, string> = {
  shipping_returns: 'Shipping & Returns',
  terms: 'Terms of Service',
  privacy: 'Privacy Policy',
};

type LegalRow = typeof legalDocuments.$inferSelect;

export function toLegalView(row: LegalRow) {
  const type = row.type as LegalType;
  return {
    id: row.id,
    type,
    title: LEGAL_TITLES[type],
    content: row.content,
    version: row.version,
    isActive: row.isActive,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}

/** Active version of every non-FAQ legal document, ordered by type (B15). */
export async function listActiveLegalDocuments(deps: Pick<Deps, 'db'>) {
  const rows = await deps.db
    .select()
    .from(legalDocuments)
    .where(and(eq(legalDocuments.isActive, true), ne(legalDocuments.type, 'faq')))
    .orderBy(asc(legalDocuments.type));
  return { items: rows.map(toLegalView) };
}

export async function getActiveLegalDocument(deps: Pick<Deps, 'db'>, type: LegalType) {
  const [row] = await deps.db
    .select()
    .from(legalDocuments)
    .where(and(eq(legalDocuments.type, type), eq(legalDocuments.isActive, true)));
  if (!row) throw notFound('Legal document', { type });
  return toLegalView(row);
}

type FaqRow = typeof faqItems.$inferSelect;
export function toFaqView(row: FaqRow) {
  return {
    id: row.id,
    question: row.question,
    answer: row.answer,
    category: row.category,
    sortOrder: row.sortOrder,
    isPublished: row.isPublished,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}

export async function listPublishedFaq(deps: Pick<Deps, 'db'>) {
  const rows = await deps.db
    .select()
    .from(faqItems)
    .where(eq(faqItems.isPublished, true))
    .orderBy(asc(faqItems.sortOrder), asc(faqItems.createdAt), asc(faqItems.id));
  return { items: rows.map(toFaqView) };
}
