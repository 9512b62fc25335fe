import { eq } from 'drizzle-orm';
import { collections } from '@popbox/db';
import type { Deps } from '../shared/deps.js';
import { notFound } from '../shared/errors.js';
import { recordAudit, type AdminActor } from '../audit/record-audit.js';
import { allocateSlug } from './slug.queries.js';
import { toAdminCollection } from './taxonomy.views.js';
import type { CreateCollectionInput } from './create-collection.js';

/** B13: partial update; a new name brings a new slug. */
export async function updateCollection(
  deps: Pick<Deps, 'db'>,
  actor: AdminActor,
  input: Partial<CreateCollectionInput> & { id: string },
) {
  return deps.db.transaction(async (tx) => {
    const [current] = await tx
      .select()
      .from(collections)
      .where(eq(collections.id, input.id))
      .for('no key update');
    if (!current) throw notFound('Collection', { id: input.id });
    const renamed = input.name !== undefined && input.name !== current.name;
    const set = {
      ...(input.name !== undefined ? { name: input.name } : {}),
      ...(renamed ? { slug: await allocateSlug(tx, 'collections', input.name!, input.id) } : {}),
      ...(input.description !== undefined ? { description: input.description } : {}),
      ...(input.sortOrder !== undefined ? { sortOrder: input.sortOrder } : {}),
      ...(input.isActive !== undefined ? { isActive: input.isActive } : {}),
    };
    const [row] = Object.keys(set).length
      ? await tx.update(collections).set(set).where(eq(collections.id, input.id)).returning()
      : [current];
    const view = toAdminCollection(row!);
    await recordAudit(tx, actor, {
      action: 'collection.update',
      entityType: 'collection',
      entityId: input.id,
      before: toAdminCollection(current),
      after: view,
    });
    return view;
  });
}
