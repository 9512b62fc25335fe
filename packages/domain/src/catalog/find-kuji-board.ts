import { and, eq } from 'drizzle-orm';
import { products } from '@popbox/db';
import type { Deps } from '../shared/deps.js';
import { productPubliclyVisibleAt } from './sale-window.queries.js';

/**
 * The public name of a publicly visible kuji board by slug (issue 13: not a hidden drop before its start), or null (the boards whose fairness document is public):
 * what the /kuji/{slug}/verify page needs to answer 404 before the browser fetches the document.
 */
export async function findKujiBoard(
  deps: Pick<Deps, 'db' | 'clock'>,
  slug: string,
): Promise<{ slug: string; name: string } | null> {
  const [board] = await deps.db
    .select({ slug: products.slug, name: products.name })
    .from(products)
    .where(
      and(
        eq(products.slug, slug),
        eq(products.productType, 'kuji'),
        productPubliclyVisibleAt(deps.clock.now()),
      ),
    );
  return board ?? null;
}
