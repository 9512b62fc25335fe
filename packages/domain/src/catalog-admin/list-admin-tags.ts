import { asc } from 'drizzle-orm';
import { tags } from '@popbox/db';
import type { Deps } from '../shared/deps.js';
import { toAdminTag } from './taxonomy.views.js';

/** B13: every tag by type then name. */
export async function listAdminTags(deps: Pick<Deps, 'db'>) {
  const rows = await deps.db.select().from(tags).orderBy(asc(tags.tagType), asc(tags.name), asc(tags.id));
  return { items: rows.map(toAdminTag) };
}
