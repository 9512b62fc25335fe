import { sql, type SQL } from 'drizzle-orm';
import type { Deps } from '../shared/deps.js';
import { decodeCursor, encodeCursor } from '../shared/cursor.js';
import { asRecord, isIsoInstant, isUuid } from '../shared/cursor-fields.js';
import { isoMs, isoUs, rows } from '../shared/sql.js';
import { allOf } from '../catalog/product-card.queries.js';

export interface AuditLogFilter {
  actorUserId?: string | undefined;
  entityType?: string | undefined;
  entityId?: string | undefined;
  action?: string | undefined;
  /** Inclusive lower bound (ISO). */
  from?: string | undefined;
  /** Exclusive upper bound (ISO). */
  to?: string | undefined;
  cursor?: string | undefined;
  limit: number;
}

export interface AuditEntryView {
  id: string;
  actorUserId: string | null;
  actorEmail: string | null;
  action: string;
  entityType: string;
  entityId: string | null;
  before: unknown;
  after: unknown;
  requestId: string | null;
  createdAt: string;
}

const parseCursor = (raw: unknown) => {
  const c = asRecord(raw);
  return c && isUuid(c.id) && isIsoInstant(c.createdAt) ? { id: c.id, createdAt: c.createdAt } : null;
};

/** F13: newest first, filtered by actor, entity, action and time range, with a `{createdAt, id}` cursor. */
export async function listAuditLog(deps: Pick<Deps, 'db'>, f: AuditLogFilter) {
  const where: SQL[] = [];
  if (f.actorUserId) where.push(sql`actor_user_id = ${f.actorUserId}`);
  if (f.entityType) where.push(sql`entity_type = ${f.entityType}`);
  if (f.entityId) where.push(sql`entity_id = ${f.entityId}`);
  if (f.action) where.push(sql`action = ${f.action}`);
  if (f.from) where.push(sql`created_at >= ${f.from}::timestamptz`);
  if (f.to) where.push(sql`created_at < ${f.to}::timestamptz`);
  const cursor = decodeCursor(f.cursor, parseCursor);
  if (cursor) where.push(sql`(created_at, id) < (${cursor.createdAt}::timestamptz, ${cursor.id}::uuid)`);
  const page = await rows<AuditEntryView & { cursorAt: string }>(
    deps.db,
    sql`select id, actor_user_id as "actorUserId", actor_email as "actorEmail", action,
               entity_type as "entityType", entity_id as "entityId", before, after, request_id as "requestId",
               ${isoMs(sql`created_at`)} as "createdAt", ${isoUs(sql`created_at`)} as "cursorAt"
        from admin_audit_log where ${allOf(where)}
        order by created_at desc, id desc limit ${f.limit + 1}`,
  );
  const items = page.slice(0, f.limit);
  const last = items[items.length - 1];
  return {
    items: items.map(({ cursorAt: _c, ...entry }) => entry),
    nextCursor:
      page.length > f.limit && last ? encodeCursor({ id: last.id, createdAt: last.cursorAt }) : null,
  };
}
