import { tags } from '@popbox/db';
import type { Deps } from '../shared/deps.js';
import { recordAudit, type AdminActor } from '../audit/record-audit.js';
import { allocateSlug } from './slug.queries.js';
import { toAdminTag } from './taxonomy.views.js';

/** B13: a tag with a generated unique slug. */
export async function createTag(
  deps: Pick<Deps, 'db'>,
  actor: AdminActor,
  input: { name: string; tagType: string },
) {
  return deps.db.transaction(async (tx) => {
    const slug = await allocateSlug(tx, 'tags', input.name);
    const [row] = await tx
      .insert(tags)
      .values({ name: input.name, slug, tagType: input.tagType })
      .returning();
    const view = toAdminTag(row!);
    await recordAudit(tx, actor, { action: 'tag.create', entityType: 'tag', entityId: view.id, after: view });
    return view;
  });
}
