import { sql } from 'drizzle-orm';
import type { AlertKind } from '@popbox/db';
import type { Deps } from '../shared/deps.js';
import { isoMs, rows } from '../shared/sql.js';

export interface AlertTargetCounts {
  targetType: 'product' | 'tag';
  targetId: string;
  slug: string;
  name: string;
  kind: AlertKind;
  pending: number;
  confirmed: number;
  notified: number;
  unsubscribed: number;
}

export interface AlertEventView {
  id: string;
  kind: AlertKind;
  productSlug: string;
  tagSlug: string | null;
  units: number | null;
  status: 'pending' | 'done';
  sent: number;
  outcome: string | null;
  createdAt: string;
  finishedAt: string | null;
}

const counts = sql`count(*) filter (where s.status = 'pending')::int as pending,
  count(*) filter (where s.status = 'confirmed')::int as confirmed,
  count(*) filter (where s.status = 'notified')::int as notified,
  count(*) filter (where s.status = 'unsubscribed')::int as unsubscribed`;

/** Issue 13 admin: subscribers per product/series and kind by state, and the latest events with what they sent. */
export async function getAlertCounts(
  deps: Pick<Deps, 'db'>,
  input: { eventLimit: number },
): Promise<{ targets: AlertTargetCounts[]; events: AlertEventView[] }> {
  const targets = await rows<AlertTargetCounts>(
    deps.db,
    sql`select 'product' as "targetType", p.id as "targetId", p.slug, p.name, s.kind, ${counts}
        from alert_subscriptions s join products p on p.id = s.product_id
        group by p.id, p.slug, p.name, s.kind
        union all
        select 'tag', t.id, t.slug, t.name, s.kind, ${counts}
        from alert_subscriptions s join tags t on t.id = s.tag_id
        group by t.id, t.slug, t.name, s.kind
        order by 3, 5`,
  );
  const events = await rows<AlertEventView>(
    deps.db,
    sql`select e.id, e.kind, p.slug as "productSlug", t.slug as "tagSlug", e.units, e.status, e.sent, e.outcome,
               ${isoMs(sql`e.created_at`)} as "createdAt",
               case when e.finished_at is null then null else ${isoMs(sql`e.finished_at`)} end as "finishedAt"
        from alert_events e join products p on p.id = e.product_id left join tags t on t.id = e.tag_id
        order by e.created_at desc, e.id desc limit ${input.eventLimit}`,
  );
  return { targets, events };
}

/** A CSV cell: quoted, quotes doubled, and a leading = + - @ defused so spreadsheets do not run it. */
export function csvCell(value: string | null | undefined): string {
  const v = value ?? '';
  const safe = /^[=+\-@\t\r]/.test(v) ? `'${v}` : v;
  return `"${safe.replace(/"/g, '""')}"`;
}

/**
 * Issue 13 admin export: confirmed subscribers (waiting for their alert), oldest first, optionally of one
 * product or series tag. Columns: email, kind, target_type, target_slug, subscribed_at, confirmed_at.
 */
export async function exportAlertSubscribersCsv(
  deps: Pick<Deps, 'db'>,
  input: { productSlug?: string | undefined; tagSlug?: string | undefined },
): Promise<{ csv: string; rows: number }> {
  const list = await rows<{
    email: string;
    kind: string;
    targetType: string;
    targetSlug: string;
    subscribedAt: string;
    confirmedAt: string | null;
  }>(
    deps.db,
    sql`select s.email, s.kind,
               case when s.product_id is null then 'tag' else 'product' end as "targetType",
               coalesce(p.slug, t.slug) as "targetSlug",
               ${isoMs(sql`s.created_at`)} as "subscribedAt",
               case when s.confirmed_at is null then null else ${isoMs(sql`s.confirmed_at`)} end as "confirmedAt"
        from alert_subscriptions s
        left join products p on p.id = s.product_id
        left join tags t on t.id = s.tag_id
        where s.status = 'confirmed'
          ${input.productSlug ? sql`and p.slug = ${input.productSlug}` : sql``}
          ${input.tagSlug ? sql`and t.slug = ${input.tagSlug}` : sql``}
        order by s.created_at, s.id`,
  );
  const header = 'email,kind,target_type,target_slug,subscribed_at,confirmed_at';
  const lines = list.map((r) =>
    [r.email, r.kind, r.targetType, r.targetSlug, r.subscribedAt, r.confirmedAt].map(csvCell).join(','),
  );
  return { csv: [header, ...lines].join('\r\n') + '\r\n', rows: list.length };
}
