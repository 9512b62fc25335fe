import { asc } from 'drizzle-orm';
import { collections } from '@popbox/db';
import type { Deps } from '../shared/deps.js';
import { toAdminCollection } from './taxonomy.views.js';

/** B13: every collection, inactive included, by sort_order then id. */
export async function listAdminCollections(deps: Pick<Deps, 'db'>) {
  const rows = await deps.db
    .select()
    .from(collections)
    .orderBy(asc(collections.sortOrder), asc(collections.id));
  return { items: rows.map(toAdminCollection) };
}
