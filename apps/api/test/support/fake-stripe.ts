import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';

/**
 * A small fake of the Stripe endpoints this backend calls, on 127.0.0.1, driven through the real `stripe`
 * SDK (its host/port/protocol options). It keeps state in memory, honours request idempotency keys like
 * Stripe does (same key → the first response), and lets tests play the buyer (`complete`) or break things
 * (`failCreate`). Not a general Stripe mock: only what checkout, webhooks and refunds use.
 */

type Json = Record<string, unknown>;

export interface FakeAddress {
  line1: string | null;
  line2?: string | null;
  city: string | null;
  state: string | null;
  postal_code: string | null;
  country: string | null;
}

export interface CompleteOptions {
  paymentStatus?: 'paid' | 'unpaid';
  email?: string | null;
  name?: string | null;
  phone?: string | null;
  shippingAddress?: FakeAddress | null;
  billingAddress?: FakeAddress | null;
  taxCents?: number;
  discountCents?: number;
  currency?: string;
  /** Overrides of the computed amounts (mismatch tests). */
  amountSubtotal?: number;
  amountShipping?: number;
  amountTotal?: number;
  /** Issue 13: the paying card's fingerprint (the charge's payment_method_details.card.fingerprint). */
  cardFingerprint?: string;
}

export const DEFAULT_ADDRESS: FakeAddress = {
  line1: '123 Maple Street',
  line2: null,
  city: 'Calgary',
  state: 'AB',
  postal_code: 'T2P 1J9',
  country: 'CA',
};

const rid = (prefix: string) => `${prefix}_${randomBytes(12).toString('hex')}`;
const nowSeconds = () => Math.floor(Date.now() / 1000);

/** Parses Stripe's form encoding (`a[b][0][c]=v`) into nested objects and arrays. */
export function parseStripeForm(body: string): Json {
  const root: Json = {};
  for (const [rawKey, value] of new URLSearchParams(body)) {
    const tokens = rawKey.replace(/\]/g, '').split('[');
    let node: Record<string, unknown> | unknown[] = root;
    tokens.forEach((token, i) => {
      const last = i === tokens.length - 1;
      const key: string | number = /^\d+$/.test(token) ? Number(token) : token;
      const container = node as Record<string | number, unknown>;
      if (last) {
        container[key] = value;
        return;
      }
      if (container[key] === undefined) container[key] = /^\d+$/.test(tokens[i + 1]!) ? [] : {};
      node = container[key] as Record<string, unknown>;
    });
  }
  return root;
}

export interface FakeStripe {
  url: string;
  secretKey: string;
  sessions: Map<string, Json>;
  refunds: Map<string, Json>;
  /** Every request received, in order (e.g. to count session creations). */
  calls: Array<{ method: string; path: string; idempotencyKey?: string; stripeVersion?: string }>;
  /** Number of next create-session calls answered with a 500 (`Infinity` for always). */
  failCreate: number;
  /** Number of next expire calls answered with a 500. */
  failExpire: number;
  /** Next created sessions come back without a hosted URL (a broken answer). */
  omitUrl: boolean;
  /** Number of next create-refund calls answered with a 500. */
  failRefund: number;
  /** Status of the next created refunds (Stripe answers `succeeded` for cards, `pending` for some methods). */
  refundStatus: 'succeeded' | 'pending' | 'failed';
  /** Number of next list-refunds calls answered with a 500. */
  failList: number;
  /** Delay before answering create-refund calls (to hold a refund "at Stripe"). */
  refundDelayMs: number;
  /** Stripe changing a refund's status later (e.g. pending → failed); returns the refund for an event. */
  setRefundStatus(refundId: string, status: string): Json;
  /** Plays the buyer finishing Stripe Checkout. */
  complete(sessionId: string, opts?: CompleteOptions): Json;
  /** Stripe expiring the session on its own. */
  expire(sessionId: string): Json;
  /** A Stripe event wrapping `object`. */
  event(type: string, object: Json): Json;
  close(): Promise<void>;
}

export async function startFakeStripe(): Promise<FakeStripe> {
  const sessions = new Map<string, Json>();
  /** Card fingerprint of each paid session's charge (shown only when the intent is expanded, as at Stripe). */
  const fingerprints = new Map<string, string>();
  const refunds = new Map<string, Json>();
  const idempotent = new Map<string, { status: number; body: Json }>();
  const calls: FakeStripe['calls'] = [];

  const fake = {
    sessions,
    refunds,
    calls,
    failCreate: 0,
    failExpire: 0,
    omitUrl: false,
    failRefund: 0,
    refundStatus: 'succeeded',
    refundDelayMs: 0,
    failList: 0,
  } as FakeStripe;

  const send = (res: ServerResponse, status: number, body: Json) => {
    res.writeHead(status, { 'content-type': 'application/json', 'request-id': rid('req') });
    res.end(JSON.stringify(body));
  };
  const error = (status: number, type: string, message: string, code?: string) => ({
    status,
    body: { error: { type, message, ...(code ? { code } : {}) } },
  });

  function createSession(params: Json): { status: number; body: Json } {
    if (fake.failCreate > 0) {
      fake.failCreate--;
      return error(500, 'api_error', 'Something went wrong on our end');
    }
    const lineItems = (params.line_items as Json[] | undefined) ?? [];
    const subtotal = lineItems.reduce((sum, line) => {
      const price = line.price_data as Json;
      return sum + Number(price.unit_amount) * Number(line.quantity);
    }, 0);
    const shippingOption = (params.shipping_options as Json[] | undefined)?.[0]?.shipping_rate_data as
      Json | undefined;
    const shipping = Number((shippingOption?.fixed_amount as Json | undefined)?.amount ?? 0);
    const id = rid('cs_test');
    const session: Json = {
      id,
      object: 'checkout.session',
      url: fake.omitUrl ? null : `https://checkout.stripe.test/c/pay/${id}`,
      status: 'open',
      payment_status: 'unpaid',
      payment_intent: null,
      mode: params.mode ?? 'payment',
      currency: (lineItems[0]?.price_data as Json | undefined)?.currency ?? 'cad',
      amount_subtotal: subtotal,
      amount_total: subtotal + shipping,
      total_details: { amount_discount: 0, amount_shipping: shipping, amount_tax: 0 },
      shipping_cost: { amount_total: shipping },
      customer_email: params.customer_email ?? null,
      customer_details: null,
      collected_information: null,
      metadata: params.metadata ?? {},
      success_url: params.success_url,
      cancel_url: params.cancel_url,
      expires_at: Number(params.expires_at),
      created: nowSeconds(),
      livemode: false,
      /** Not part of Stripe's session object; kept for assertions. */
      _line_items: lineItems,
    };
    sessions.set(id, session);
    return { status: 200, body: session };
  }

  function expireSession(id: string): { status: number; body: Json } {
    const session = sessions.get(id);
    if (!session)
      return error(404, 'invalid_request_error', `No such checkout.session: '${id}'`, 'resource_missing');
    if (fake.failExpire > 0) {
      fake.failExpire--;
      return error(500, 'api_error', 'Something went wrong on our end');
    }
    if (session.status !== 'open') {
      return error(
        400,
        'invalid_request_error',
        'Only Checkout Sessions with a status of open can be expired.',
      );
    }
    session.status = 'expired';
    return { status: 200, body: session };
  }

  function createRefund(params: Json): { status: number; body: Json } {
    if (fake.failRefund > 0) {
      fake.failRefund--;
      return error(500, 'api_error', 'Something went wrong on our end');
    }
    // Like Stripe: never more than the charge, counting the refunds that did not fail.
    const session = [...sessions.values()].find((s) => s.payment_intent === params.payment_intent);
    const refunded = [...refunds.values()]
      .filter(
        (r) =>
          r.payment_intent === params.payment_intent && !['failed', 'canceled'].includes(String(r.status)),
      )
      .reduce((sum, r) => sum + Number(r.amount), 0);
    if (session && refunded + Number(params.amount) > Number(session.amount_total)) {
      return error(
        400,
        'invalid_request_error',
        `Refund amount ($${Number(params.amount) / 100}) is greater than unrefunded amount on charge`,
        'amount_too_large',
      );
    }
    const refund: Json = {
      id: rid('re'),
      object: 'refund',
      status: fake.refundStatus,
      amount: Number(params.amount),
      currency: 'cad',
      payment_intent: params.payment_intent,
      charge: rid('ch'),
      reason: params.reason ?? null,
      metadata: params.metadata ?? {},
      created: nowSeconds(),
    };
    refunds.set(refund.id as string, refund);
    return { status: 200, body: refund };
  }

  function listRefunds(query: URLSearchParams): { status: number; body: Json } {
    if (fake.failList > 0) {
      fake.failList--;
      return error(500, 'api_error', 'Something went wrong on our end');
    }
    const limit = Number(query.get('limit') ?? 10);
    const after = query.get('starting_after');
    const all = [...refunds.values()]
      .filter((r) => !query.get('payment_intent') || r.payment_intent === query.get('payment_intent'))
      .reverse();
    const start = after ? all.findIndex((r) => r.id === after) + 1 : 0;
    const data = all.slice(start, start + limit);
    return {
      status: 200,
      body: { object: 'list', url: '/v1/refunds', data, has_more: start + limit < all.length },
    };
  }

  async function route(req: IncomingMessage, body: string): Promise<{ status: number; body: Json }> {
    const url = new URL(req.url ?? '/', 'http://fake');
    const path = url.pathname;
    if (!String(req.headers.authorization ?? '').startsWith('Bearer sk_')) {
      return error(401, 'invalid_request_error', 'Invalid API Key provided');
    }
    const params = parseStripeForm(body);
    if (req.method === 'POST' && path === '/v1/checkout/sessions') return createSession(params);
    let m = /^\/v1\/checkout\/sessions\/([^/]+)$/.exec(path);
    if (req.method === 'GET' && m) {
      const session = sessions.get(m[1]!);
      const expand = [...url.searchParams].filter(([k]) => k.startsWith('expand')).map(([, v]) => v);
      const pi = session?.payment_intent as string | null | undefined;
      const expanded =
        session && pi && expand.includes('payment_intent.latest_charge')
          ? {
              ...session,
              payment_intent: {
                id: pi,
                object: 'payment_intent',
                latest_charge: {
                  id: `ch_${pi.slice(3)}`,
                  object: 'charge',
                  payment_method_details: {
                    type: 'card',
                    card: { fingerprint: fingerprints.get(session.id as string) ?? 'fp_fake_default' },
                  },
                },
              },
            }
          : session;
      return expanded
        ? { status: 200, body: expanded }
        : error(404, 'invalid_request_error', `No such checkout.session: '${m[1]}'`, 'resource_missing');
    }
    m = /^\/v1\/checkout\/sessions\/([^/]+)\/expire$/.exec(path);
    if (req.method === 'POST' && m) return expireSession(m[1]!);
    if (req.method === 'POST' && path === '/v1/refunds') {
      if (fake.refundDelayMs > 0) await new Promise((r) => setTimeout(r, fake.refundDelayMs));
      return createRefund(params);
    }
    if (req.method === 'GET' && path === '/v1/refunds') return listRefunds(url.searchParams);
    return error(404, 'invalid_request_error', `Unrecognized request URL (${req.method}: ${path})`);
  }

  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const key = req.headers['idempotency-key'] as string | undefined;
      const version = req.headers['stripe-version'] as string | undefined;
      calls.push({
        method: req.method ?? '',
        path: (req.url ?? '').split('?')[0]!,
        ...(key ? { idempotencyKey: key } : {}),
        ...(version ? { stripeVersion: version } : {}),
      });
      const cacheKey = key && req.method === 'POST' ? `${req.url} ${key}` : undefined;
      const cached = cacheKey ? idempotent.get(cacheKey) : undefined;
      if (cached) return send(res, cached.status, cached.body);
      void route(req, body).then((result) => {
        // Like Stripe, a 5xx is not stored, so a retry with the same key runs again.
        if (cacheKey && result.status < 500) idempotent.set(cacheKey, result);
        send(res, result.status, result.body);
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  fake.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  fake.secretKey = 'sk_test_fake_stripe_key';

  fake.complete = (sessionId, opts = {}) => {
    const session = sessions.get(sessionId);
    if (!session) throw new Error(`fake stripe: unknown session ${sessionId}`);
    const totals = session.total_details as Json;
    const subtotal = opts.amountSubtotal ?? (session.amount_subtotal as number);
    const shipping = opts.amountShipping ?? (totals.amount_shipping as number);
    const tax = opts.taxCents ?? 0;
    const discount = opts.discountCents ?? 0;
    const name = opts.name === undefined ? 'Aiko Tanaka' : opts.name;
    const email = opts.email === undefined ? 'aiko@example.com' : opts.email;
    const shippingAddress = opts.shippingAddress === undefined ? DEFAULT_ADDRESS : opts.shippingAddress;
    const billingAddress = opts.billingAddress === undefined ? DEFAULT_ADDRESS : opts.billingAddress;
    if (opts.cardFingerprint) fingerprints.set(sessionId, opts.cardFingerprint);
    Object.assign(session, {
      status: 'complete',
      payment_status: opts.paymentStatus ?? 'paid',
      payment_intent: session.payment_intent ?? rid('pi'),
      currency: opts.currency ?? session.currency,
      amount_subtotal: subtotal,
      amount_total: opts.amountTotal ?? subtotal + shipping + tax - discount,
      total_details: { amount_discount: discount, amount_shipping: shipping, amount_tax: tax },
      shipping_cost: { amount_total: shipping },
      customer_details: { email, name, phone: opts.phone ?? null, address: billingAddress },
      collected_information: {
        shipping_details: shippingAddress ? { name, address: shippingAddress } : null,
      },
    });
    return session;
  };

  fake.setRefundStatus = (refundId, status) => {
    const refund = refunds.get(refundId);
    if (!refund) throw new Error(`fake stripe: unknown refund ${refundId}`);
    refund.status = status;
    return refund;
  };

  fake.expire = (sessionId) => {
    const session = sessions.get(sessionId);
    if (!session) throw new Error(`fake stripe: unknown session ${sessionId}`);
    session.status = 'expired';
    return session;
  };

  fake.event = (type, object) => ({
    id: rid('evt'),
    object: 'event',
    api_version: '2026-02-25.clover',
    created: nowSeconds(),
    livemode: false,
    type,
    data: { object: structuredClone(object) },
  });

  fake.close = () =>
    new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  return fake;
}
