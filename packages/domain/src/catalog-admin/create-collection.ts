import { collections } from '@popbox/db';
import type { Deps } from '../shared/deps.js';
import { recordAudit, type AdminActor } from '../audit/record-audit.js';
import { allocateSlug } from './slug.queries.js';
import { toAdminCollection } from './taxonomy.views.js';

export interface CreateCollectionInput {
  name: string;
  description?: string | null | undefined;
  sortOrder?: number | undefined;
  isActive?: boolean | undefined;
}

/** B13: a collection with a generated unique slug. */
export async function createCollection(
  deps: Pick<Deps, 'db'>,
  actor: AdminActor,
  input: CreateCollectionInput,
) {
  return deps.db.transaction(async (tx) => {
    const slug = await allocateSlug(tx, 'collections', input.name);
    const [row] = await tx
      .insert(collections)
      .values({
        name: input.name,
        slug,
        description: input.description ?? null,
        sortOrder: input.sortOrder ?? 0,
        isActive: input.isActive ?? true,
      })
      .returning();
    const view = toAdminCollection(row!);
    await recordAudit(tx, actor, {
      action: 'collection.create',
      entityType: 'collection',
      entityId: view.id,
      after: view,
    });
    return view;
  });
}
