/**
 * Hostile-input fuzz suite (issue 11): every REST operation of the generated OpenAPI document (anonymous and
 * as admin) and every tRPC procedure of the router (single and batched) gets generated malformed input —
 * wrong types, missing and unknown fields, empty/huge/unicode strings, NUL bytes, out-of-range and
 * non-integer numbers, invalid ids and cursors, prototype keys, deep nesting, wrong content types,
 * truncated multipart. Every answer must be < 500 with the error shape of spec (e), no stack trace, and the
 * process must still answer /health. Operations added later are covered without touching this file.
 *
 * CI runs a fixed seed and a few cases per operation. Longer runs:
 *   FUZZ_RUNS=1000 FUZZ_SEED=random pnpm vitest run apps/api/test/fuzz.int.test.ts
 * FUZZ_RUNS: generated cases per operation and surface (default 10); FUZZ_SEED: a number or `random` (the
 * seed used is printed and saved); FUZZ_ONLY: a regular expression on operation keys / procedure paths.
 * The summary (requests per status class per surface, failure kinds with one reproduction each) is printed
 * and written to .data/fuzz/latest.json.
 */
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import fc from 'fast-check';
import { pino } from 'pino';
import { z } from 'zod';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  makeCollection,
  makeFaqItem,
  makeLegalDocument,
  makeOrder,
  makeProduct,
  makeTag,
  makeTicket,
  makeUser,
} from '@popbox/db/testing';
import { appRouter } from '../src/trpc/app-router.js';
import { startTestApp, type TestApp } from './support/test-app.js';
import type { JsonSchema, Pools } from './support/fuzz-values.js';
import { describeRequest, judge, pool, send, type FuzzRequest, type Surface } from './support/fuzz-run.js';
import { Recorder } from './support/fuzz-report.js';
import { hardRestCases, restCases, restOperations, type RestOperation } from './support/fuzz-rest-cases.js';
import { hardTrpcCases, trpcBatchCases, trpcSingleCases, type Procedure } from './support/fuzz-trpc-cases.js';
import { makeKujiProduct } from '@popbox/domain/testing';

const RUNS = Math.max(1, Number(process.env.FUZZ_RUNS ?? 10));
const SEED =
  process.env.FUZZ_SEED === 'random'
    ? Math.floor(Math.random() * 2 ** 31)
    : Number(process.env.FUZZ_SEED ?? 20_261_105);
const ONLY = process.env.FUZZ_ONLY ? new RegExp(process.env.FUZZ_ONLY) : undefined;
const CONCURRENCY = 6;
const TIMEOUT = Math.max(120_000, RUNS * 10_000);
const OUT = join(process.cwd(), '.data/fuzz/latest.json');

let app: TestApp;
let adminToken: string;
let pools: Pools;
let operations: RestOperation[];
const recorder = new Recorder();
const started = Date.now();
/** What is in flight, so an uncaught exception can be attributed to an operation. */
let current = { surface: 'REST anonymous' as Surface, operation: '(setup)' };
/** The last requests sent: an exception escaping after its answer cannot be tied to one request. */
const recent: FuzzRequest[] = [];
const onUncaught = (error: unknown) =>
  recorder.fail(
    current.surface,
    current.operation,
    'uncaught exception in the server process',
    `${String(error)}; latest requests: ${recent.map(describeRequest).join(' | ')}`,
  );

/** A stable per-operation seed: adding an operation does not change the cases of the others. */
const seedFor = (key: string) => {
  let h = SEED;
  for (const ch of key) h = (Math.imul(h, 31) + ch.charCodeAt(0)) | 0;
  return h;
};

async function run(surface: Surface, operation: string, cases: FuzzRequest[]): Promise<void> {
  current = { surface, operation };
  await pool(cases, CONCURRENCY, async (req) => {
    recent.push(req);
    if (recent.length > CONCURRENCY) recent.shift();
    const answer = await send(app.url, req);
    recorder.record(req, answer, judge(req, answer, process.cwd()));
  });
  const health = await send(app.url, {
    surface,
    operation,
    tag: '-',
    method: 'GET',
    url: '/health',
    headers: {},
  });
  if (health.status !== 200) {
    recorder.fail(
      surface,
      operation,
      'the server stopped answering /health',
      `${health.status} ${health.error ?? ''}`,
    );
  }
}

async function seed(): Promise<Pools> {
  const db = app.database.db;
  const admin = await makeUser(db, { id: randomUUID(), role: 'admin' });
  adminToken = await app.adminToken(admin.id);
  const collection = await makeCollection(db);
  const tag = await makeTag(db);
  const product = await makeProduct(db, {
    collectionIds: [collection.id],
    tagIds: [tag.id],
    images: [{}, {}],
  });
  const kuji = await makeKujiProduct(db, { product: { status: 'active' } });
  const faq = await makeFaqItem(db);
  const legal = await makeLegalDocument(db);
  const { order, items } = await makeOrder(db, { lines: [{ product: kuji.product, quantity: 1 }] });
  const ticket = await makeTicket(db, { order, item: items[0]!, prize: kuji.prizes[0]! });
  const images = await app.database.pool.query<{ id: string }>('select id from product_images');
  return {
    ids: [
      collection.id,
      tag.id,
      product.id,
      kuji.product.id,
      ...kuji.prizes.map((p) => p.id),
      faq.id,
      legal.id,
      order.id,
      admin.id,
      ...images.rows.map((r) => r.id),
      ticket.id,
    ],
    slugs: [product.slug, kuji.product.slug, collection.slug, 'no-such-slug'],
    publicIds: [order.publicId, 'PBX-0000000000'],
  };
}

function procedures(): Procedure[] {
  const defs = appRouter._def.procedures as unknown as Record<
    string,
    { _def: { type: Procedure['type']; inputs?: z.ZodType[] } }
  >;
  return Object.entries(defs).map(([path, p]) => {
    let schema: JsonSchema = {};
    const input = p._def.inputs?.[0];
    try {
      if (input) schema = z.toJSONSchema(input, { io: 'input', unrepresentable: 'any' }) as JsonSchema;
    } catch {
      // A schema JSON Schema cannot describe is fuzzed with hostile values only.
    }
    return { path, type: p._def.type, schema };
  });
}

const sample = (arb: fc.Arbitrary<FuzzRequest>, key: string) =>
  fc.sample(arb, { seed: seedFor(key), numRuns: RUNS });

beforeAll(async () => {
  process.on('uncaughtException', onUncaught);
  process.on('unhandledRejection', onUncaught);
  // The server's error lines name the real error behind each generic 500 (grouped into failure kinds).
  const logger = pino({ level: 'error', serializers: { err: Recorder.serializeError } }, recorder.logSink());
  app = await startTestApp({ deps: { logger }, app: { logger } });
  pools = await seed();
  const res = await fetch(`${app.url}/api/v1/openapi.json`);
  operations = restOperations((await res.json()) as Parameters<typeof restOperations>[0]).filter(
    (o) => !ONLY || ONLY.test(o.key),
  );
});

afterAll(async () => {
  process.off('uncaughtException', onUncaught);
  process.off('unhandledRejection', onUncaught);
  const meta = {
    seed: SEED,
    runsPerOperation: RUNS,
    durationMs: Date.now() - started,
    at: new Date().toISOString(),
  };
  await recorder.write(OUT, meta).catch(() => undefined);
  console.log(
    `fuzz: seed ${SEED}, ${RUNS} runs per operation, ${Math.round(meta.durationMs / 1000)} s\n` +
      `${recorder.summaryTable()}\n${recorder.failures.length} failing answers in ${recorder.kinds().length} kinds` +
      ` (details: ${OUT})`,
  );
  await app?.close();
});

/** Pages for browsers (the kuji verify page) document an HTML 4xx; everything else answers errors in JSON. */
const documentsHtmlErrors = (operation: RestOperation) =>
  Object.entries((operation.op as { responses?: Record<string, { content?: object }> }).responses ?? {}).some(
    ([status, response]) => status.startsWith('4') && 'text/html' in (response.content ?? {}),
  );

const failureReport = (surfaces: Surface[]) => {
  const report = recorder.report(surfaces);
  return report ? `\nseed ${SEED} (FUZZ_SEED=${SEED} to replay)\n${report}\n` : '';
};

describe('fuzz: hostile input never answers 5xx', () => {
  it(
    'REST: every operation of the OpenAPI document, anonymous and as admin',
    { timeout: TIMEOUT },
    async () => {
      expect(operations.length).toBeGreaterThan(ONLY ? 0 : 50);
      for (const operation of operations) {
        for (const surface of ['REST anonymous', 'REST admin'] as const) {
          const key = `${surface} ${operation.key}`;
          const [valid] = fc.sample(restCases(operation, surface, adminToken, pools, true), {
            seed: seedFor(key),
            numRuns: 1,
          });
          const htmlErrors = documentsHtmlErrors(operation);
          const cases = [
            ...hardRestCases(valid!, operation),
            ...sample(restCases(operation, surface, adminToken, pools), key),
          ].map((req) => ({ ...req, htmlErrors }));
          await run(surface, operation.key, cases);
        }
      }
      expect(failureReport(['REST anonymous', 'REST admin'])).toBe('');
    },
  );

  it('tRPC: every procedure of the router, single and batched', { timeout: TIMEOUT }, async () => {
    const all = procedures().filter((p) => p.type !== 'subscription');
    expect(all.length).toBeGreaterThan(50);
    for (const proc of all.filter((p) => !ONLY || ONLY.test(p.path))) {
      const single = sample(trpcSingleCases(proc, pools, adminToken), `single ${proc.path}`);
      await run('tRPC single', proc.path, [
        ...hardTrpcCases(proc, pools, adminToken, seedFor(proc.path)),
        ...single,
      ]);
      const batched = fc.sample(trpcBatchCases(proc, all, pools, adminToken), {
        seed: seedFor(`batch ${proc.path}`),
        numRuns: Math.max(1, Math.ceil(RUNS / 2)),
      });
      await run('tRPC batched', proc.path, batched);
    }
    expect(failureReport(['tRPC single', 'tRPC batched'])).toBe('');
  });

  it('still answers /health, and nothing escaped to the process', async () => {
    expect((await fetch(`${app.url}/health`)).status).toBe(200);
    expect(
      recorder.failures.filter((f) => f.problem.startsWith('uncaught') || f.problem.includes('/health')),
    ).toEqual([]);
  });
});
