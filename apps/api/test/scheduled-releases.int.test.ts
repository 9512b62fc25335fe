import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { makeCollection, makeTag } from '@popbox/db/testing';
import { commitKujiBoards, fixedClock } from '@popbox/domain';
import { appRouter } from '../src/trpc/app-router.js';
import { startTestApp, type TestApp } from './support/test-app.js';
import { adminClient, failedFields, type AdminClient } from './support/admin.js';
import { postCheckout, sql } from './support/checkout.js';
import { json, type Json } from './support/http.js';
import { restOperations } from './support/fuzz-rest-cases.js';
import type { JsonSchema } from './support/fuzz-values.js';

/**
 * Issue 13, scheduled releases, with the clock moved by the test: before the start a HIDDEN drop is absent
 * from every public answer — found by walking the tRPC router's public procedures and the OpenAPI document's
 * public GET operations, not a hand list — while an ANNOUNCED one reads as coming soon and cannot be bought;
 * at the start both sell; after the end checkout answers SALE_ENDED. Kuji: a hidden board publishes its
 * commitment at its start (sweep, or the first checkout), an announced one when it is announced.
 */

const T0 = new Date(Math.floor(Date.now() / 60_000) * 60_000);
const START = new Date(T0.getTime() + 60 * 60_000);
const END = new Date(T0.getTime() + 2 * 60 * 60_000);
const clock = fixedClock(T0);

let app: TestApp;
let admin: AdminClient;
let operationsDoc: Parameters<typeof restOperations>[0];

interface Made {
  id: string;
  slug: string;
  name: string;
}
let collectionSlug: string;
let tagSlug: string;
let visible: Made;
let hidden: Made;
let hiddenBoard: Made;
let announced: Made;
let announcedBoard: Made;
let lazyBoard: Made;

async function createProduct(body: Record<string, unknown>): Promise<Made> {
  const res = await admin.call('POST', '/admin/products', { collectionIds: [], priceCents: 3000, ...body });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return { id: res.body.id, slug: res.body.slug, name: res.body.name };
}

async function addPrizes(productId: string): Promise<void> {
  for (const [code, quantity] of [
    ['A1', 1],
    ['B1', 3],
  ] as const) {
    const res = await admin.call('POST', `/admin/products/${productId}/kuji-prizes`, {
      prizeCode: code,
      prizeTier: code[0],
      name: `Prize ${code}`,
      initialQuantity: quantity,
    });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
  }
}

const epochsOf = async (productId: string) =>
  (
    await sql(app, `SELECT epoch FROM kuji_deck_epochs WHERE product_id = $1 ORDER BY epoch`, [productId])
  ).map((r) => (r as { epoch: number }).epoch);

const openEpochsOf = async (productId: string) =>
  (
    await sql(
      app,
      `SELECT epoch FROM kuji_deck_epochs WHERE product_id = $1 AND revealed_at IS NULL ORDER BY epoch`,
      [productId],
    )
  ).map((r) => (r as { epoch: number }).epoch);

beforeAll(async () => {
  app = await startTestApp({ clock });
  admin = await adminClient(app);
  const collection = await makeCollection(app.database.db, { slug: 'featured', name: 'Featured' });
  const tag = await makeTag(app.database.db, { tagType: 'series' });
  collectionSlug = collection.slug;
  tagSlug = tag.slug;
  const links = { collectionIds: [collection.id], tagIds: [tag.id], status: 'active' };
  const window = { salesStartAt: START.toISOString(), salesEndAt: END.toISOString() };
  // A visible product of the same collection, tag and price: its recommendations would list the drop.
  visible = await createProduct({ ...links, name: 'Sakura figure plain edition', onHand: 5 });
  hidden = await createProduct({
    ...links,
    ...window,
    name: 'Qwzhidden Sakura figure drop',
    onHand: 5,
    preSaleVisibility: 'hidden',
  });
  hiddenBoard = await createProduct({
    ...links,
    ...window,
    name: 'Qwzhidden kuji board drop',
    productType: 'kuji',
    preSaleVisibility: 'hidden',
  });
  lazyBoard = await createProduct({
    ...links,
    salesStartAt: START.toISOString(),
    name: 'Qwzlazy kuji board drop',
    productType: 'kuji',
    preSaleVisibility: 'hidden',
  });
  announced = await createProduct({
    ...links,
    ...window,
    name: 'Announced Sakura figure drop',
    onHand: 5,
    preSaleVisibility: 'announced',
  });
  announcedBoard = await createProduct({
    ...links,
    ...window,
    name: 'Announced kuji board drop',
    productType: 'kuji',
  });
  for (const board of [hiddenBoard, lazyBoard, announcedBoard]) await addPrizes(board.id);
  operationsDoc = (await json(await fetch(`${app.url}/api/v1/openapi.json`))) as typeof operationsDoc;
}, 60_000);

afterAll(async () => {
  await app?.close();
});

// ---------------------------------------------------------------------------------------------------------
// The walk: every public procedure / GET operation, each input varied one field at a time over the values
// that could reveal a drop (its slug, words of its name, its collection and tag, every enum value).

function pool(): Record<string, unknown[]> {
  const slugs = [
    hidden.slug,
    hiddenBoard.slug,
    lazyBoard.slug,
    visible.slug,
    announced.slug,
    announcedBoard.slug,
  ];
  return {
    slug: slugs,
    q: ['Qwzhidden', 'Qwzhidden Sakura figure drop', 'Qwzhidden kuji', 'Qwzlazy', 'Sakura figure', 'drop'],
    collection: [collectionSlug],
    tag: [tagSlug],
  };
}

function candidates(name: string, schema: JsonSchema | undefined): unknown[] {
  const named = pool()[name];
  if (named) return named;
  const s = (schema ?? {}) as { enum?: unknown[]; type?: string | string[]; maximum?: number };
  if (s.enum) return s.enum;
  if (s.type === 'integer' || s.type === 'number') return [s.maximum ?? 10];
  return ['x'];
}

/** Inputs for an object schema: all required fields at their first candidate, then each field varied. */
function inputsFor(properties: Record<string, JsonSchema>, required: string[]): Record<string, unknown>[] {
  const base: Record<string, unknown> = {};
  for (const name of required) base[name] = candidates(name, properties[name])[0];
  const inputs = [base];
  for (const [name, schema] of Object.entries(properties)) {
    for (const value of candidates(name, schema)) inputs.push({ ...base, [name]: value });
  }
  return inputs;
}

/** What must not appear: the drop's id, slug and name (the slug only when the input did not carry it). */
function leaks(text: string, input: string, drops: Made[]): string[] {
  const found: string[] = [];
  for (const d of drops) {
    if (text.includes(d.id)) found.push(`${d.name}: id`);
    if (text.includes(d.name)) found.push(`${d.name}: name`);
    if (!input.includes(d.slug) && text.includes(d.slug)) found.push(`${d.name}: slug`);
  }
  return found;
}

interface Seen {
  operation: string;
  input: string;
  ok: boolean;
  text: string;
}

function publicProcedures() {
  const defs = appRouter._def.procedures as unknown as Record<
    string,
    { _def: { type: 'query' | 'mutation' | 'subscription'; inputs?: z.ZodType[] } }
  >;
  return Object.entries(defs)
    .filter(([path, p]) => path.startsWith('public.') && p._def.type === 'query')
    .map(([path, p]) => {
      const input = p._def.inputs?.[0];
      const schema = (input ? z.toJSONSchema(input, { io: 'input', unrepresentable: 'any' }) : {}) as {
        properties?: Record<string, JsonSchema>;
        required?: string[];
      };
      return { path, properties: schema.properties ?? {}, required: schema.required ?? [] };
    });
}

async function walkTrpc(): Promise<Seen[]> {
  const caller = app.caller() as unknown as Record<string, unknown>;
  const seen: Seen[] = [];
  for (const proc of publicProcedures()) {
    const fn = proc.path.split('.').reduce<unknown>((o, k) => (o as Record<string, unknown>)[k], caller) as (
      input: unknown,
    ) => Promise<unknown>;
    for (const input of inputsFor(proc.properties, proc.required)) {
      const inputText = JSON.stringify(input);
      try {
        seen.push({
          operation: proc.path,
          input: inputText,
          ok: true,
          text: JSON.stringify(await fn(input)),
        });
      } catch (error) {
        const e = error as { code?: string; message?: string };
        seen.push({ operation: proc.path, input: inputText, ok: false, text: `${e.code} ${e.message}` });
      }
    }
  }
  return seen;
}

/** Reads a response; an event stream only for its first event (it would stay open otherwise). */
async function readBody(res: Response, abort: AbortController): Promise<string> {
  if (!res.headers.get('content-type')?.includes('text/event-stream')) return res.text();
  const reader = res.body!.getReader();
  let text = '';
  const until = Date.now() + 2_000;
  while (!text.includes('\n\n') && Date.now() < until) {
    const chunk = await Promise.race([
      reader.read(),
      new Promise<{ done: true; value: undefined }>((r) =>
        setTimeout(() => r({ done: true, value: undefined }), 2_000),
      ),
    ]);
    if (chunk.done) break;
    text += new TextDecoder().decode(chunk.value);
  }
  abort.abort();
  return text;
}

async function walkRest(): Promise<Seen[]> {
  const seen: Seen[] = [];
  const gets = restOperations(operationsDoc).filter(
    (o) =>
      o.method === 'GET' &&
      (o.path.startsWith('/api/v1/') || o.path === '/health' || o.path === '/ready') &&
      !o.path.startsWith('/api/v1/admin') &&
      o.path !== '/api/v1/openapi.json',
  );
  for (const op of gets) {
    const params = (op.op.parameters ?? []) as Array<{
      name: string;
      in: string;
      required?: boolean;
      schema?: JsonSchema;
    }>;
    const pathParams = params.filter((p) => p.in === 'path');
    const queryParams = params.filter((p) => p.in === 'query');
    const properties = Object.fromEntries(
      [...pathParams, ...queryParams].map((p) => [p.name, p.schema ?? {}]),
    );
    const required = [
      ...pathParams.map((p) => p.name),
      ...queryParams.filter((p) => p.required).map((p) => p.name),
    ];
    for (const input of inputsFor(properties, required)) {
      let path = op.path;
      for (const p of pathParams)
        path = path.replace(`{${p.name}}`, encodeURIComponent(String(input[p.name])));
      const query = new URLSearchParams(
        queryParams
          .filter((p) => input[p.name] !== undefined)
          .map((p): [string, string] => [p.name, String(input[p.name])]),
      );
      const url = `${app.url}${path}${query.size ? `?${query}` : ''}`;
      const abort = new AbortController();
      const res = await fetch(url, { signal: abort.signal });
      const text = await readBody(res, abort);
      seen.push({ operation: op.key, input: url, ok: res.ok, text: `${res.status} ${text}` });
    }
  }
  return seen;
}

/** The catalog procedures a drop shows in once public (the walk must reach each, or it proves nothing). */
const CATALOG_SURFACES = [
  'public.catalog.home',
  'public.catalog.listProducts',
  'public.catalog.search',
  'public.catalog.autocomplete',
  'public.catalog.getProduct',
  'public.catalog.recommendations',
];

const operationsMentioning = (seen: Seen[], d: Made) =>
  new Set(seen.filter((s) => s.ok && leaks(s.text, s.input, [d]).length > 0).map((s) => s.operation));

describe('scheduled releases: before the start', () => {
  it('a hidden drop appears in no public tRPC answer', async () => {
    clock.set(T0);
    const seen = await walkTrpc();
    expect(seen.length).toBeGreaterThan(20);
    const found = seen.flatMap((s) =>
      leaks(s.text, s.input, [hidden, hiddenBoard, lazyBoard]).map((l) => `${s.operation} ${s.input}: ${l}`),
    );
    expect(found).toEqual([]);
    // The walk reaches the surfaces that would show it: the announced drop is there, as coming soon.
    const announcedIn = operationsMentioning(seen, announced);
    for (const path of CATALOG_SURFACES) expect(announcedIn, path).toContain(path);
    expect(operationsMentioning(seen, announcedBoard)).toContain('public.kuji.fairness');
  });

  it('a hidden drop appears in no public REST answer, and its slug answers 404 like an unknown one', async () => {
    clock.set(T0);
    const seen = await walkRest();
    const found = seen.flatMap((s) =>
      leaks(s.text, s.input, [hidden, hiddenBoard, lazyBoard]).map((l) => `${s.operation} ${s.input}: ${l}`),
    );
    expect(found).toEqual([]);
    expect(operationsMentioning(seen, announced)).toContain('GET /api/v1/products/{slug}');
    expect(operationsMentioning(seen, announcedBoard)).toContain('GET /api/v1/kuji/{slug}/fairness');

    const unknown = await fetch(`${app.url}/api/v1/products/no-such-drop`);
    for (const path of [
      `/api/v1/products/${hidden.slug}`,
      `/api/v1/products/${hidden.slug}/recommendations`,
      `/api/v1/kuji/${hiddenBoard.slug}/fairness`,
      `/api/v1/kuji/${hiddenBoard.slug}/live`,
      `/kuji/${hiddenBoard.slug}/verify`,
    ]) {
      const res = await fetch(`${app.url}${path}`);
      expect(res.status, path).toBe(404);
      if (path.startsWith('/api/v1/products/') && !path.endsWith('recommendations')) {
        expect((await json(res)).error.code).toBe((await json(unknown.clone())).error.code);
      } else {
        await res.body?.cancel();
      }
    }
  }, 120_000);

  it('an announced drop reads as coming soon with its window, and checkout answers NOT_ON_SALE_YET', async () => {
    clock.set(T0);
    const detail = await json(await fetch(`${app.url}/api/v1/products/${announced.slug}`));
    expect(detail).toMatchObject({
      availability: 'coming_soon',
      salesStartAt: START.toISOString(),
      salesEndAt: END.toISOString(),
    });
    expect(detail).not.toHaveProperty('preSaleVisibility');
    const card = (await json(await fetch(`${app.url}/api/v1/products?limit=50`))).items.find(
      (c: Json) => c.id === announced.id,
    );
    expect(card).toMatchObject({ availability: 'coming_soon', salesStartAt: START.toISOString() });
    expect(
      (await json(await fetch(`${app.url}/api/v1/products?limit=50`))).items.find(
        (c: Json) => c.id === visible.id,
      ),
    ).toMatchObject({ availability: 'on_sale', salesStartAt: null, salesEndAt: null });

    for (const product of [announced, announcedBoard]) {
      const res = await postCheckout(app, { items: [{ productId: product.id, quantity: 1 }] });
      expect(res.status).toBe(409);
      expect((await json(res)).error).toMatchObject({
        code: 'NOT_ON_SALE_YET',
        details: { productId: product.id, salesStartAt: START.toISOString() },
      });
    }
    // A hidden drop is not even named: the same answer as a product that does not exist.
    const refused = await postCheckout(app, { items: [{ productId: hidden.id, quantity: 1 }] });
    const absent = await postCheckout(app, { items: [{ productId: randomUUID(), quantity: 1 }] });
    expect(refused.status).toBe(absent.status);
    expect((await json(refused)).error.code).toBe((await json(absent)).error.code);
  });

  it('an announced board has its commitment already; a hidden one has no epoch, even after a sweep', async () => {
    clock.set(T0);
    // (Each prize added while announced re-commits: epoch 1 for the first prize, 2 with the second.)
    expect(await epochsOf(announcedBoard.id)).toEqual([1, 2]);
    expect(await openEpochsOf(announcedBoard.id)).toEqual([2]);
    await commitKujiBoards(app.deps);
    expect(await epochsOf(hiddenBoard.id)).toEqual([]);
    expect(await epochsOf(lazyBoard.id)).toEqual([]);
  });
});

describe('scheduled releases: at the start', () => {
  it('a hidden board commits at its start (sweep), another at its first checkout, before any ticket', async () => {
    clock.set(START);
    // The first buyer of the lazy board comes before any sweep: the checkout opens its epoch itself.
    const first = await postCheckout(app, { items: [{ productId: lazyBoard.id, quantity: 1 }] });
    expect(first.status, JSON.stringify(await json(first.clone()))).toBe(201);
    expect(await epochsOf(lazyBoard.id)).toEqual([1]);
    const [entry] = (await sql(
      app,
      `SELECT kind, epoch FROM kuji_draw_log WHERE product_id = $1 ORDER BY seq LIMIT 1`,
      [lazyBoard.id],
    )) as Array<{ kind: string; epoch: number }>;
    expect(entry).toEqual({ kind: 'epoch', epoch: 1 });

    // The other one nobody bought yet: the jobs app's sweep publishes it.
    expect(await epochsOf(hiddenBoard.id)).toEqual([]);
    const { committed } = await commitKujiBoards(app.deps);
    expect(committed).toBeGreaterThanOrEqual(1);
    expect(await epochsOf(hiddenBoard.id)).toEqual([1]);
    // The hidden board committed once, to its whole board; the announced one did not change at its start.
    expect(await epochsOf(announcedBoard.id)).toEqual([1, 2]);
    const fairness = await json(await fetch(`${app.url}/api/v1/kuji/${hiddenBoard.slug}/fairness`));
    expect(fairness.epochs).toHaveLength(1);
    expect(fairness.epochs[0].commitment).toMatch(/^[0-9a-f]{64}$/);
  });

  it('both kinds of drop are public and purchasable', async () => {
    clock.set(START);
    const seen = await walkTrpc();
    const hiddenIn = operationsMentioning(seen, hidden);
    for (const path of CATALOG_SURFACES) expect(hiddenIn, path).toContain(path);
    expect(operationsMentioning(seen, hiddenBoard)).toContain('public.kuji.fairness');
    for (const product of [hidden, announced, hiddenBoard, announcedBoard]) {
      const detail = await json(await fetch(`${app.url}/api/v1/products/${product.slug}`));
      expect(detail.availability).toBe('on_sale');
      const res = await postCheckout(app, { items: [{ productId: product.id, quantity: 1 }] });
      expect(res.status, JSON.stringify(await json(res.clone()))).toBe(201);
    }
  });
});

describe('scheduled releases: after the end', () => {
  it('checkout answers SALE_ENDED and the product shows as ended', async () => {
    clock.set(END);
    for (const product of [hidden, announced, hiddenBoard]) {
      const res = await postCheckout(app, { items: [{ productId: product.id, quantity: 1 }] });
      expect(res.status).toBe(409);
      expect((await json(res)).error).toMatchObject({
        code: 'SALE_ENDED',
        details: { productId: product.id, salesEndAt: END.toISOString() },
      });
      const detail = await json(await fetch(`${app.url}/api/v1/products/${product.slug}`));
      expect(detail).toMatchObject({ availability: 'ended', salesEndAt: END.toISOString() });
    }
    // A product without an end keeps selling.
    const open = await postCheckout(app, { items: [{ productId: visible.id, quantity: 1 }] });
    expect(open.status).toBe(201);
  });
});

describe('scheduled releases: admin', () => {
  it('sets, validates and clears the window; lists by upcoming/live/ended; audits each change', async () => {
    clock.set(T0);
    const refused = await admin.call('POST', '/admin/products', {
      collectionIds: [],
      name: 'Backwards window',
      priceCents: 100,
      salesStartAt: END.toISOString(),
      salesEndAt: START.toISOString(),
    });
    expect(refused.status).toBe(400);
    expect(failedFields(refused.body)).toEqual(['salesEndAt']);

    const made = await createProduct({ name: 'Admin window product', salesStartAt: START.toISOString() });
    const got = await admin.call('GET', `/admin/products/${made.id}`);
    expect(got.body).toMatchObject({
      salesStartAt: START.toISOString(),
      salesEndAt: null,
      preSaleVisibility: 'announced',
      availability: 'coming_soon',
    });
    // An end before the STORED start is refused too.
    const backwards = await admin.call('PATCH', `/admin/products/${made.id}`, {
      salesEndAt: new Date(START.getTime() - 1).toISOString(),
    });
    expect(backwards.status).toBe(400);
    expect(failedFields(backwards.body)).toEqual(['salesEndAt']);

    const ids = async (sale: string) =>
      (await admin.call('GET', `/admin/products?limit=50&sale=${sale}`)).body.items.map((i: Json) => i.id);
    expect(await ids('upcoming')).toContain(made.id);
    expect(await ids('live')).not.toContain(made.id);
    expect(await ids('live')).toContain(visible.id);
    expect(await ids('upcoming')).not.toContain(visible.id);

    const moved = await admin.call('PATCH', `/admin/products/${made.id}`, {
      salesStartAt: new Date(T0.getTime() - 60_000).toISOString(),
      salesEndAt: new Date(T0.getTime() - 1_000).toISOString(),
      preSaleVisibility: 'hidden',
    });
    expect(moved.status).toBe(200);
    expect(moved.body).toMatchObject({ availability: 'ended', preSaleVisibility: 'hidden' });
    expect(await ids('ended')).toContain(made.id);
    expect(await ids('upcoming')).not.toContain(made.id);

    const cleared = await admin.call('PATCH', `/admin/products/${made.id}`, {
      salesStartAt: null,
      salesEndAt: null,
    });
    expect(cleared.body).toMatchObject({ salesStartAt: null, salesEndAt: null, availability: 'on_sale' });
    expect(await ids('live')).toContain(made.id);

    const audit = (await sql(
      app,
      `SELECT action, before, after FROM admin_audit_log WHERE entity_id = $1 ORDER BY created_at, id`,
      [made.id],
    )) as Array<{ action: string; before: Json; after: Json }>;
    expect(audit.map((a) => a.action)).toEqual(['product.create', 'product.update', 'product.update']);
    expect(audit[0]!.after).toMatchObject({
      salesStartAt: START.toISOString(),
      preSaleVisibility: 'announced',
    });
    expect(audit[1]!.before).toMatchObject({ salesStartAt: START.toISOString(), salesEndAt: null });
    expect(audit[1]!.after).toMatchObject({ preSaleVisibility: 'hidden' });
    expect(audit[2]!.after).toMatchObject({ salesStartAt: null, salesEndAt: null });
  });
});
