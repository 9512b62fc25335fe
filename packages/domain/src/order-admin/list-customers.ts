import { desc, sql } from 'drizzle-orm';
import { customers } from '@popbox/db';
import type { Deps } from '../shared/deps.js';
import { PAGE_SIZE_DEFAULT } from '../shared/constants.js';
import { decodeCursor, encodeCursor } from '../shared/cursor.js';
import { asRecord, isUuid } from '../shared/cursor-fields.js';
import { beforeKey, isPreciseTimestamp, preciseTimestamp } from '../shared/keyset.js';

const parseCursor = (raw: unknown) => {
  const c = asRecord(raw);
  return c && isUuid(c.id) && isPreciseTimestamp(c.createdAt) ? { id: c.id, createdAt: c.createdAt } : null;
};

/**
 * B14 customers, newest first with a `{createdAt, id}` cursor and each one's order count. Per F2 a customer
 * row exists only once someone has paid, so this lists buyers only (no placeholders exist).
 */
export async function listCustomers(
  deps: Pick<Deps, 'db'>,
  input: { cursor?: string | undefined; limit?: number | undefined },
) {
  const limit = input.limit ?? PAGE_SIZE_DEFAULT;
  const cursor = decodeCursor(input.cursor, parseCursor);
  const rows = await deps.db
    .select({
      id: customers.id,
      email: customers.email,
      firstName: customers.firstName,
      lastName: customers.lastName,
      phone: customers.phone,
      createdAt: customers.createdAt,
      cursorAt: preciseTimestamp(customers.createdAt),
      // Spelled out: drizzle renders columns unqualified in a one-table select, which a subquery would rebind.
      orderCount: sql<number>`(select count(*)::int from orders o where o.customer_id = "customers"."id")`,
    })
    .from(customers)
    .where(cursor ? beforeKey(customers.createdAt, customers.id, cursor.createdAt, cursor.id) : undefined)
    .orderBy(desc(customers.createdAt), desc(customers.id))
    .limit(limit + 1);
  const page = rows.slice(0, limit);
  const last = page.at(-1);
  return {
    items: page.map(({ cursorAt: _c, ...r }) => ({ ...r, createdAt: r.createdAt.toISOString() })),
    nextCursor: rows.length > limit && last ? encodeCursor({ createdAt: last.cursorAt, id: last.id }) : null,
  };
}
