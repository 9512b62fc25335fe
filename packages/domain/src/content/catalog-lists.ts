import { asc, eq } from 'drizzle-orm';
import { collections, tags } from '@popbox/db';
import type { Deps } from '../shared/deps.js';

export async function listActiveCollections(deps: Pick<Deps, 'db'>) {
  const rows = await deps.db
    .select({
      id: collections.id,
      name: collections.name,
      slug: collections.slug,
      description: collections.description,
      sortOrder: collections.sortOrder,
      isActive: collections.isActive,
    })
    .from(collections)
    .where(eq(collections.isActive, true))
    .orderBy(asc(collections.sortOrder), asc(collections.id));
  return { items: rows };
}

export async function listTags(deps: Pick<Deps, 'db'>) {
  const rows = await deps.db
    .select({ id: tags.id, name: tags.name, slug: tags.slug, tagType: tags.tagType })
    .from(tags)
    .orderBy(asc(tags.tagType), asc(tags.name), asc(tags.id));
  return { items: rows };
}
