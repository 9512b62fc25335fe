import { sql } from 'drizzle-orm';
import type { Deps } from '../shared/deps.js';
import { decodeCursor, encodeCursor } from '../shared/cursor.js';
import { asRecord, isIsoInstant, isUuid } from '../shared/cursor-fields.js';
import { isoMs, isoUs, rows } from '../shared/sql.js';

interface MessageRow {
  id: string;
  firstName: string;
  lastName: string | null;
  email: string;
  inquiryType: string;
  orderNumber: string | null;
  requestedSeries: string | null;
  message: string;
  createdAt: string;
  cursorAt: string;
}

const parseCursor = (raw: unknown) => {
  const c = asRecord(raw);
  return c && isUuid(c.id) && isIsoInstant(c.createdAt) ? { id: c.id, createdAt: c.createdAt } : null;
};

/** F7: stored contact messages, newest first, `{createdAt, id}` cursor. */
export async function listContactMessages(
  deps: Pick<Deps, 'db'>,
  input: { cursor?: string | undefined; limit: number },
) {
  const cursor = decodeCursor(input.cursor, parseCursor);
  const page = await rows<MessageRow>(
    deps.db,
    sql`select id, first_name as "firstName", last_name as "lastName", email, inquiry_type as "inquiryType",
               order_number as "orderNumber", requested_series as "requestedSeries", message,
               ${isoMs(sql`created_at`)} as "createdAt", ${isoUs(sql`created_at`)} as "cursorAt"
        from contact_messages
        ${cursor ? sql`where (created_at, id) < (${cursor.createdAt}::timestamptz, ${cursor.id}::uuid)` : sql``}
        order by created_at desc, id desc limit ${input.limit + 1}`,
  );
  const items = page.slice(0, input.limit);
  const last = items[items.length - 1];
  return {
    items: items.map(({ cursorAt: _c, ...m }) => m),
    nextCursor:
      page.length > input.limit && last ? encodeCursor({ id: last.id, createdAt: last.cursorAt }) : null,
  };
}
