import { eq } from 'drizzle-orm';
import { tags } from '@popbox/db';
import type { Deps } from '../shared/deps.js';
import { notFound } from '../shared/errors.js';
import { recordAudit, type AdminActor } from '../audit/record-audit.js';
import { allocateSlug } from './slug.queries.js';
import { toAdminTag } from './taxonomy.views.js';

/** B13: partial update; a new name brings a new slug (and re-indexes linked products via the DB trigger). */
export async function updateTag(
  deps: Pick<Deps, 'db'>,
  actor: AdminActor,
  input: { id: string; name?: string | undefined; tagType?: string | undefined },
) {
  return deps.db.transaction(async (tx) => {
    const [current] = await tx.select().from(tags).where(eq(tags.id, input.id)).for('no key update');
    if (!current) throw notFound('Tag', { id: input.id });
    const renamed = input.name !== undefined && input.name !== current.name;
    const set = {
      ...(input.name !== undefined ? { name: input.name } : {}),
      ...(renamed ? { slug: await allocateSlug(tx, 'tags', input.name!, input.id) } : {}),
      ...(input.tagType !== undefined ? { tagType: input.tagType } : {}),
    };
    const [row] = Object.keys(set).length
      ? await tx.update(tags).set(set).where(eq(tags.id, input.id)).returning()
      : [current];
    const view = toAdminTag(row!);
    await recordAudit(tx, actor, {
      action: 'tag.update',
      entityType: 'tag',
      entityId: input.id,
      before: toAdminTag(current),
      after: view,
    });
    return view;
  });
}
