/**
 * Issue 14 measuring aid: N sequential cold catalog reads (no cache) over ONE connection against a seeded
 * database on this machine, reporting wall time and the PostgreSQL backend's own CPU (utime + stime of the
 * backend process from /proc, so it only works when PostgreSQL runs locally).
 *   DATABASE_URL=postgres://…/seeded node --conditions=development --import tsx scripts/catalog-reads-loop.ts [N] [name]
 */
import { readFileSync } from 'node:fs';
import { createDb } from '@popbox/db';
import {
  autocomplete,
  getHome,
  getProductBySlug,
  listProducts,
  recommendProducts,
  searchProducts,
} from '@popbox/domain';

const url = process.env.DATABASE_URL;
if (!url) throw new Error('DATABASE_URL is required');
const n = Number(process.argv[2] ?? 2000);
/** Optional substring: run only the reads whose name contains it. */
const only = process.argv[3];
const database = createDb(url, { max: 1, applicationName: 'catalog-reads-loop' });
const db = database.db;
const deps = {
  db,
  clock: { now: () => new Date() },
  storage: { publicUrl: (key: string) => `http://localhost/media/${key}` },
} as unknown as Parameters<typeof listProducts>[0];

const [{ pid }] = (await db.execute('select pg_backend_pid() as pid')).rows as [{ pid: number }];
const ticks = () => {
  const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return Number(f[11]) + Number(f[12]); // utime + stime, clock ticks (100 Hz)
};
const [{ slug }] = (
  await db.execute("select slug from products where status = 'active' order by created_at limit 1")
).rows as [{ slug: string }];

const reads: [string, () => Promise<unknown>][] = [
  ['list newest 20', () => listProducts(deps, { limit: 20, sort: 'newest' })],
  ['list price_asc 20', () => listProducts(deps, { limit: 20, sort: 'price_asc' })],
  ['list trending 20', () => listProducts(deps, { limit: 20, sort: 'trending' })],
  ['detail', () => getProductBySlug(deps, slug)],
  ['search plush', () => searchProducts(deps, { q: 'plush', limit: 20 })],
  ['autocomplete plu', () => autocomplete(deps, { q: 'plu', limit: 8 })],
  ['home', () => getHome(deps)],
  ['recommendations', () => recommendProducts(deps, { slug, limit: 8 })],
];
for (const [name, read] of reads) {
  if (only && !name.includes(only)) continue;
  for (let i = 0; i < 50; i++) await read(); // warm plans and caches
  const t0 = performance.now();
  const c0 = ticks();
  for (let i = 0; i < n; i++) await read();
  const wall = (performance.now() - t0) / n;
  const pg = ((ticks() - c0) * 10) / n;
  console.log(`${name.padEnd(20)} wall ${wall.toFixed(3)} ms/req   pg cpu ${pg.toFixed(3)} ms/req`);
}
await database.close();
