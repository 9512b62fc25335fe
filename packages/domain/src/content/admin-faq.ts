import { asc, eq } from 'drizzle-orm';
import { faqItems } from '@popbox/db';
import type { Deps } from '../shared/deps.js';
import { notFound } from '../shared/errors.js';
import { recordAudit, type AdminActor } from '../audit/record-audit.js';
import { toFaqView } from './legal.js';

export interface FaqFields {
  question: string;
  answer: string;
  category?: string | null | undefined;
  sortOrder?: number | undefined;
  isPublished?: boolean | undefined;
}

/** B15 admin FAQ: all items in display order. */
export async function listAdminFaq(deps: Pick<Deps, 'db'>) {
  const rows = await deps.db
    .select()
    .from(faqItems)
    .orderBy(asc(faqItems.sortOrder), asc(faqItems.createdAt), asc(faqItems.id));
  return { items: rows.map(toFaqView) };
}

export async function createFaqItem(deps: Pick<Deps, 'db'>, actor: AdminActor, input: FaqFields) {
  return deps.db.transaction(async (tx) => {
    const [row] = await tx
      .insert(faqItems)
      .values({
        question: input.question,
        answer: input.answer,
        category: input.category ?? null,
        sortOrder: input.sortOrder ?? 0,
        isPublished: input.isPublished ?? false,
      })
      .returning();
    const view = toFaqView(row!);
    await recordAudit(tx, actor, {
      action: 'faq.create',
      entityType: 'faq_item',
      entityId: view.id,
      after: view,
    });
    return view;
  });
}

export async function updateFaqItem(
  deps: Pick<Deps, 'db'>,
  actor: AdminActor,
  input: Partial<FaqFields> & { id: string },
) {
  return deps.db.transaction(async (tx) => {
    const [current] = await tx.select().from(faqItems).where(eq(faqItems.id, input.id)).for('update');
    if (!current) throw notFound('FAQ item', { id: input.id });
    const { id, ...fields } = input;
    const set = Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== undefined));
    const [row] = Object.keys(set).length
      ? await tx.update(faqItems).set(set).where(eq(faqItems.id, id)).returning()
      : [current];
    const view = toFaqView(row!);
    await recordAudit(tx, actor, {
      action: 'faq.update',
      entityType: 'faq_item',
      entityId: id,
      before: toFaqView(current),
      after: view,
    });
    return view;
  });
}

export async function deleteFaqItem(deps: Pick<Deps, 'db'>, actor: AdminActor, id: string) {
  return deps.db.transaction(async (tx) => {
    const [row] = await tx.delete(faqItems).where(eq(faqItems.id, id)).returning();
    if (!row) throw notFound('FAQ item', { id });
    await recordAudit(tx, actor, {
      action: 'faq.delete',
      entityType: 'faq_item',
      entityId: id,
      before: toFaqView(row),
    });
    return { id, deleted: true as const };
  });
}
