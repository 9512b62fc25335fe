import { sql } from 'drizzle-orm';
import type { AlertKind, Tx } from '@popbox/db';
import type { Deps } from '../shared/deps.js';
import { rows, uuidArray } from '../shared/sql.js';
import { enqueueEmail } from '../email/outbox.js';
import { alertCap, isOneShot } from './alert.rules.js';
import { renderAlertEmail, unsubscribeHeaders } from './alert-emails.js';
import { availableUnits } from './subscribe.queries.js';
import { productsWhoseSaleStarted, recordBoardAnnounced, recordSaleStarted } from './record-alert-events.js';

export interface AlertSendOptions {
  /** ALERTS_MAX_PER_EVENT: no event emails more subscribers than this (restocks: less, see alertCap). */
  maxPerEvent: number;
  /** Subscribers enqueued per transaction. */
  batchSize: number;
  /** Batches per run; the next run continues where this one stopped. */
  maxBatches: number;
}

export interface AlertSendResult {
  batches: number;
  enqueued: number;
  eventsFinished: number;
  saleStartsRecorded: number;
}

interface EventRow {
  id: string;
  kind: AlertKind;
  productId: string;
  tagId: string | null;
  units: number | null;
  sent: number;
  productName: string;
  productSlug: string;
  productStatus: string;
  productType: string;
  tagName: string | null;
}

interface Recipient {
  id: string;
  email: string;
  unsubscribeUrl: string;
  shopUrl: string;
}

type Outcome = 'drained' | 'cap' | 'sold_out' | 'not_on_sale';

/** How far back the drop sweep looks; recordSaleStarted is idempotent, so overlapping runs are harmless. */
const SALE_START_LOOKBACK_MS = 24 * 60 * 60 * 1000;

/**
 * The jobs app's alert run (issue 13): first the drop sweep (sales whose start passed → sale_starts events),
 * then pending events in batches. Each batch is one transaction holding the event row (FOR UPDATE SKIP
 * LOCKED: a second jobs process takes another event or waits for the next run), picking the event's
 * confirmed followers oldest subscription first who were not told yet, up to what is left of the cap. A
 * delivery row per (event, subscriber) — its primary key — and the outbox dedupe key make a second email
 * impossible even if two runs raced. The outbox job delivers them (with List-Unsubscribe headers).
 */
export async function sendAlertEvents(
  deps: Pick<Deps, 'db' | 'clock' | 'logger'>,
  opts: AlertSendOptions,
): Promise<AlertSendResult> {
  const result: AlertSendResult = { batches: 0, enqueued: 0, eventsFinished: 0, saleStartsRecorded: 0 };
  result.saleStartsRecorded = await sweepStartedSales(deps);
  while (result.batches < opts.maxBatches) {
    const batch = await deps.db.transaction((tx) => sendOneBatch(tx, deps, opts));
    if (!batch) break;
    result.batches += 1;
    result.enqueued += batch.enqueued;
    if (batch.finished) result.eventsFinished += 1;
  }
  if (result.enqueued || result.eventsFinished) deps.logger.info({ ...result }, 'alert emails enqueued');
  return result;
}

/** Drop starts: products whose `sales_start_at` passed since the last sweeps (a lookback window). */
export async function sweepStartedSales(deps: Pick<Deps, 'db' | 'clock'>): Promise<number> {
  const now = deps.clock.now();
  const ids = await productsWhoseSaleStarted(deps.db, new Date(now.getTime() - SALE_START_LOOKBACK_MS), now);
  let recorded = 0;
  for (const id of ids) {
    const started = await deps.db.transaction(async (tx) => {
      // A hidden kuji drop becomes public only now: its series' followers hear of it now too.
      await recordBoardAnnounced(tx, id, now);
      return recordSaleStarted(tx, id);
    });
    if (started) recorded += 1;
  }
  return recorded;
}

async function sendOneBatch(
  tx: Tx,
  deps: Pick<Deps, 'clock'>,
  opts: AlertSendOptions,
): Promise<{ enqueued: number; finished: boolean } | null> {
  const [event] = await rows<EventRow>(
    tx,
    sql`select e.id, e.kind, e.product_id as "productId", e.tag_id as "tagId", e.units, e.sent,
               p.name as "productName", p.slug as "productSlug", p.status as "productStatus",
               p.product_type as "productType", t.name as "tagName"
        from alert_events e
        join products p on p.id = e.product_id
        left join tags t on t.id = e.tag_id
        where e.status = 'pending'
        order by e.created_at, e.id
        limit 1
        for update of e skip locked`,
  );
  if (!event) return null;
  const now = deps.clock.now();
  if (event.productStatus !== 'active') return finish(tx, event, 'not_on_sale', now, 0);
  if (event.kind === 'back_in_stock' && (await availableUnits(tx, event.productId)) <= 0) {
    // Gone before everyone was told: the rest stay subscribed, first in line for the next restock.
    return finish(tx, event, 'sold_out', now, 0);
  }
  const left = alertCap(event, opts.maxPerEvent) - event.sent;
  if (left <= 0) return finish(tx, event, 'cap', now, 0);
  const want = Math.min(left, opts.batchSize);

  const target =
    event.kind === 'new_board' ? sql`s.tag_id = ${event.tagId}` : sql`s.product_id = ${event.productId}`;
  const candidates = await rows<Recipient>(
    tx,
    sql`select s.id, s.email, s.unsubscribe_url as "unsubscribeUrl", s.shop_url as "shopUrl"
        from alert_subscriptions s
        where ${target} and s.kind = ${event.kind} and s.status = 'confirmed'
          and not exists (select 1 from alert_deliveries d where d.event_id = ${event.id} and d.subscription_id = s.id)
        order by s.created_at, s.id
        limit ${want}
        for update of s`,
  );
  const ids = candidates.map((c) => c.id);
  const claimed = new Set(
    (
      await rows<{ subscriptionId: string }>(
        tx,
        sql`insert into alert_deliveries (event_id, subscription_id, created_at)
            select ${event.id}::uuid, id, ${now}::timestamptz from unnest(${uuidArray(ids)}) as id
            on conflict do nothing
            returning subscription_id as "subscriptionId"`,
      )
    ).map((r) => r.subscriptionId),
  );
  const recipients = candidates.filter((c) => claimed.has(c.id));
  for (const r of recipients) {
    const message = renderAlertEmail(
      {
        kind: event.kind,
        productName: event.productName,
        productUrl: `${r.shopUrl}/products/${encodeURIComponent(event.productSlug)}`,
        seriesName: event.tagName,
      },
      r.unsubscribeUrl,
    );
    await enqueueEmail(tx, {
      kind: 'alert',
      to: r.email,
      ...message,
      headers: unsubscribeHeaders(r.unsubscribeUrl),
      dedupeKey: `alert:${event.id}:${r.id}`,
      maxAttempts: 4,
    });
  }
  if (isOneShot(event.kind) && recipients.length) {
    await tx.execute(sql`update alert_subscriptions set status = 'notified', notified_at = ${now}
                         where id = any(${uuidArray(recipients.map((r) => r.id))}) and status = 'confirmed'`);
  }
  const sent = event.sent + recipients.length;
  await tx.execute(sql`update alert_events set sent = ${sent} where id = ${event.id}`);
  if (candidates.length < want) return finish(tx, event, 'drained', now, recipients.length);
  if (sent >= alertCap(event, opts.maxPerEvent)) return finish(tx, event, 'cap', now, recipients.length);
  return { enqueued: recipients.length, finished: false };
}

async function finish(tx: Tx, event: EventRow, outcome: Outcome, now: Date, enqueued: number) {
  await tx.execute(sql`update alert_events set status = 'done', outcome = ${outcome}, finished_at = ${now}
                       where id = ${event.id}`);
  return { enqueued, finished: true };
}
