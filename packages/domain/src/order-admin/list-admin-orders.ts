import { and, desc, eq, type SQL } from 'drizzle-orm';
import { customers, orders, type OrderStatus } from '@popbox/db';
import type { Deps } from '../shared/deps.js';
import { PAGE_SIZE_DEFAULT } from '../shared/constants.js';
import { decodeCursor, encodeCursor } from '../shared/cursor.js';
import { asRecord, isUuid } from '../shared/cursor-fields.js';
import { beforeKey, isPreciseTimestamp, preciseTimestamp } from '../shared/keyset.js';

export interface ListAdminOrdersInput {
  status?: OrderStatus | undefined;
  cursor?: string | undefined;
  limit?: number | undefined;
}

const parseCursor = (raw: unknown) => {
  const c = asRecord(raw);
  return c && isUuid(c.id) && isPreciseTimestamp(c.createdAt) ? { id: c.id, createdAt: c.createdAt } : null;
};

/** B14: newest first (created_at desc, id desc), optional status filter, `{createdAt, id}` keyset cursor. */
export async function listAdminOrders(deps: Pick<Deps, 'db'>, input: ListAdminOrdersInput) {
  const limit = input.limit ?? PAGE_SIZE_DEFAULT;
  const where: SQL[] = [];
  if (input.status) where.push(eq(orders.status, input.status));
  const cursor = decodeCursor(input.cursor, parseCursor);
  if (cursor) where.push(beforeKey(orders.createdAt, orders.id, cursor.createdAt, cursor.id));
  const rows = await deps.db
    .select({
      id: orders.id,
      publicId: orders.publicId,
      status: orders.status,
      includesLastOnePrize: orders.includesLastOnePrize,
      totalCents: orders.totalCents,
      currency: orders.currency,
      placedAt: orders.placedAt,
      createdAt: orders.createdAt,
      cursorAt: preciseTimestamp(orders.createdAt),
      customerId: customers.id,
      customerEmail: customers.email,
      customerFirstName: customers.firstName,
      customerLastName: customers.lastName,
    })
    .from(orders)
    .leftJoin(customers, eq(customers.id, orders.customerId))
    .where(and(...where))
    .orderBy(desc(orders.createdAt), desc(orders.id))
    .limit(limit + 1);
  const page = rows.slice(0, limit);
  const last = page.at(-1);
  return {
    items: page.map((r) => ({
      id: r.id,
      publicId: r.publicId,
      status: r.status,
      includesLastOnePrize: r.includesLastOnePrize,
      totalCents: r.totalCents,
      currency: r.currency,
      placedAt: r.placedAt?.toISOString() ?? null,
      createdAt: r.createdAt.toISOString(),
      customer:
        r.customerId && r.customerEmail
          ? {
              id: r.customerId,
              email: r.customerEmail,
              firstName: r.customerFirstName,
              lastName: r.customerLastName,
            }
          : null,
    })),
    nextCursor: rows.length > limit && last ? encodeCursor({ createdAt: last.cursorAt, id: last.id }) : null,
  };
}
