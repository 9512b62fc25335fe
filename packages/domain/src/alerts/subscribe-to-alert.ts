import { createHash } from 'node:crypto';
import { sql } from 'drizzle-orm';
import type { AlertKind, Tx } from '@popbox/db';
import type { Deps } from '../shared/deps.js';
import { DomainError, notFound } from '../shared/errors.js';
import { rows } from '../shared/sql.js';
import { publiclyVisibleAt } from '../catalog/sale-window.queries.js';
import { enqueueEmail } from '../email/outbox.js';
import { hitRateLimit } from '../ops/rate-limit-hits.queries.js';
import { isSeriesTagType, normaliseAlertEmail, saleStartsAlertable } from './alert.rules.js';
import { signConfirmToken, signUnsubscribeToken } from './alert-tokens.js';
import { renderAlertConfirmationEmail, type AlertTarget } from './alert-emails.js';
import { availableUnits, upsertPendingSubscription, type AlertTargetRef } from './subscribe.queries.js';

/** Per-address limit on subscribe requests (each may send a confirmation email): shared Postgres counter. */
export const ALERT_EMAIL_LIMIT = { limit: 5, windowMs: 60 * 60 * 1000 };

export type SubscribeDeps = Pick<Deps, 'db' | 'clock' | 'random' | 'config'>;

/** The one answer of every subscribe call, whatever the address's state (no enumeration). */
export const ALERT_ACCEPTED = {
  accepted: true as const,
  message: 'If this address can receive alerts, a confirmation email is on its way.',
};

interface ProductRow {
  id: string;
  name: string;
  status: string;
  productType: string;
}

/**
 * Issue 13 `POST /products/{slug}/alerts`. The product must fit the kind: back_in_stock a sold-out standard
 * product, sale_starts an announced drop (`saleStartsAlertable`), new_board a kuji board with series tags
 * (the address follows each series). Then, whatever the address's state, the same 202 answer; a
 * confirmation email goes out only when the address is not already confirmed for that target.
 */
export async function subscribeToProductAlert(
  deps: SubscribeDeps,
  input: { slug: string; email: string; kind: AlertKind },
): Promise<typeof ALERT_ACCEPTED> {
  const email = normaliseAlertEmail(input.email);
  await limitPerEmail(deps, email);
  await deps.db.transaction(async (tx) => {
    const [product] = await rows<ProductRow>(
      tx,
      sql`select p.id, p.name, p.status, p.product_type as "productType",
                 p.sales_start_at as "salesStartAt", p.pre_sale_visibility as "preSaleVisibility"
            from products p
           where p.slug = ${input.slug} and ${publiclyVisibleAt(deps.clock.now())}`,
    );
    if (!product) throw notFound('Product', { slug: input.slug });
    if (input.kind === 'new_board') {
      if (product.productType !== 'kuji') throw notApplicable('new_board follows the series of a kuji board');
      const series = await rows<{ id: string; name: string; tagType: string }>(
        tx,
        sql`select t.id, t.name, t.tag_type as "tagType" from tags t
            join product_tags pt on pt.tag_id = t.id where pt.product_id = ${product.id} order by t.name, t.id`,
      );
      const followed = series.filter((t) => isSeriesTagType(t.tagType));
      if (!followed.length) throw notApplicable('This board belongs to no series to follow');
      for (const tag of followed) {
        await subscribe(
          deps,
          tx,
          email,
          'new_board',
          { tagId: tag.id },
          { kind: 'new_board', name: tag.name },
        );
      }
      return;
    }
    if (input.kind === 'back_in_stock') {
      if (product.productType !== 'standard') throw notApplicable('back_in_stock is for standard products');
      if ((await availableUnits(tx, product.id)) > 0) throw notApplicable('This product is in stock');
    }
    if (input.kind === 'sale_starts' && !saleStartsAlertable(product, deps.clock.now())) {
      throw notApplicable('This product has no announced drop');
    }
    await subscribe(
      deps,
      tx,
      email,
      input.kind,
      { productId: product.id },
      { kind: input.kind, name: product.name },
    );
  });
  return ALERT_ACCEPTED;
}

/** Issue 13 `POST /tags/{slug}/alerts`: follow a kuji series (new_board) by its tag. */
export async function subscribeToTagAlert(
  deps: SubscribeDeps,
  input: { slug: string; email: string },
): Promise<typeof ALERT_ACCEPTED> {
  const email = normaliseAlertEmail(input.email);
  await limitPerEmail(deps, email);
  await deps.db.transaction(async (tx) => {
    const [tag] = await rows<{ id: string; name: string; tagType: string }>(
      tx,
      sql`select id, name, tag_type as "tagType" from tags where slug = ${input.slug}`,
    );
    if (!tag) throw notFound('Tag', { slug: input.slug });
    if (!isSeriesTagType(tag.tagType)) throw notApplicable('Only series tags can be followed');
    await subscribe(deps, tx, email, 'new_board', { tagId: tag.id }, { kind: 'new_board', name: tag.name });
  });
  return ALERT_ACCEPTED;
}

async function subscribe(
  deps: SubscribeDeps,
  tx: Tx,
  email: string,
  kind: AlertKind,
  target: AlertTargetRef,
  shown: AlertTarget,
): Promise<void> {
  const now = deps.clock.now();
  const nonce = Buffer.from(deps.random.bytes(16)).toString('base64url');
  const base = `${deps.config.apiBaseUrl}/api/v1/alerts`;
  const pepper = deps.config.orderTokenPepper;
  const sub = await upsertPendingSubscription(tx, {
    id: deps.random.uuid(),
    email,
    kind,
    target,
    nonce,
    now,
    unsubscribeUrl: (id) =>
      `${base}/unsubscribe?token=${encodeURIComponent(signUnsubscribeToken(pepper, id))}`,
    shopUrl: deps.config.clientBaseUrl,
  });
  if (!sub.confirmationDue) return;
  const token = signConfirmToken(pepper, { subscriptionId: sub.id, nonce, now });
  const message = renderAlertConfirmationEmail(shown, `${base}/confirm?token=${encodeURIComponent(token)}`);
  await enqueueEmail(tx, { kind: 'alert_confirmation', to: email, ...message, maxAttempts: 4 });
}

async function limitPerEmail(deps: SubscribeDeps, email: string): Promise<void> {
  const key = `alerts-email:${createHash('sha256').update(email).digest('hex')}`;
  const window = await hitRateLimit(deps.db, key, ALERT_EMAIL_LIMIT.windowMs);
  if (window.hits > ALERT_EMAIL_LIMIT.limit) {
    throw new DomainError('RATE_LIMITED', 'Too many alert requests for this address, please try again later');
  }
}

const notApplicable = (message: string) =>
  new DomainError('ALERT_NOT_APPLICABLE', message, { field: 'kind' });
