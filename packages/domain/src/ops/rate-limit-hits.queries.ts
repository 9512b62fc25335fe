import { sql } from 'drizzle-orm';
import type { Executor } from '@popbox/db';

/** One rate-limit window of one client (`rate_limit_hits`), timed by the database clock. */
export interface RateLimitWindow {
  hits: number;
  resetAt: Date;
}

interface WindowRow extends Record<string, unknown> {
  hits: number;
  reset_ms: number;
}

const toWindow = (row: WindowRow): RateLimitWindow => ({
  hits: Number(row.hits),
  resetAt: new Date(row.reset_ms),
});

/**
 * Counts `hits` (default one), atomically (one upsert, safe with any number of API replicas): a key whose
 * window has ended starts a new window of `windowMs` at `hits`; otherwise its count goes up by `hits`.
 * Fixed windows.
 * The commit does not wait for the WAL flush (synchronous_commit off for this statement's transaction only):
 * losing the last few counts in a database crash is harmless, and not waiting halves the cost of a hit.
 */
export async function hitRateLimit(
  db: Executor,
  key: string,
  windowMs: number,
  hits = 1,
): Promise<RateLimitWindow> {
  const result = await db.execute<WindowRow>(sql`
    insert into rate_limit_hits (key, hits, reset_at)
    select ${key}, ${hits}::int, now() + make_interval(secs => ${windowMs / 1000})
    from (select set_config('synchronous_commit', 'off', true)) as async_commit
    on conflict (key) do update set
      hits = case when rate_limit_hits.reset_at <= now() then excluded.hits
                  else rate_limit_hits.hits + excluded.hits end,
      reset_at = case when rate_limit_hits.reset_at <= now() then excluded.reset_at
                      else rate_limit_hits.reset_at end
    returning hits, (extract(epoch from reset_at) * 1000)::float8 as reset_ms`);
  return toWindow(result.rows[0]!);
}

/**
 * Counts several keys' hits in ONE upsert (the batched global limit flushes this way): the same window rules
 * as `hitRateLimit`, per key. Returns each key's window after the counting.
 */
export async function hitRateLimits(
  db: Executor,
  counts: readonly { key: string; hits: number }[],
  windowMs: number,
): Promise<Map<string, RateLimitWindow>> {
  if (counts.length === 0) return new Map();
  const keys = counts.map((c) => c.key);
  const hits = counts.map((c) => c.hits);
  const result = await db.execute<WindowRow & { key: string }>(sql`
    insert into rate_limit_hits (key, hits, reset_at)
    select k.key, k.hits, now() + make_interval(secs => ${windowMs / 1000})
    from unnest(${sql.param(keys)}::text[], ${sql.param(hits)}::int[]) as k(key, hits),
         (select set_config('synchronous_commit', 'off', true)) as async_commit
    on conflict (key) do update set
      hits = case when rate_limit_hits.reset_at <= now() then excluded.hits
                  else rate_limit_hits.hits + excluded.hits end,
      reset_at = case when rate_limit_hits.reset_at <= now() then excluded.reset_at
                      else rate_limit_hits.reset_at end
    returning key, hits, (extract(epoch from reset_at) * 1000)::float8 as reset_ms`);
  return new Map(result.rows.map((row) => [row.key, toWindow(row)]));
}

/** The current window of a key, if one is running. */
export async function readRateLimit(db: Executor, key: string): Promise<RateLimitWindow | undefined> {
  const result = await db.execute<WindowRow>(sql`
    select hits, (extract(epoch from reset_at) * 1000)::float8 as reset_ms
    from rate_limit_hits where key = ${key} and reset_at > now()`);
  return result.rows[0] ? toWindow(result.rows[0]) : undefined;
}

export async function undoRateLimitHit(db: Executor, key: string): Promise<void> {
  await db.execute(sql`
    update rate_limit_hits set hits = greatest(hits - 1, 0) where key = ${key} and reset_at > now()`);
}

export async function clearRateLimit(db: Executor, key: string): Promise<void> {
  await db.execute(sql`delete from rate_limit_hits where key = ${key}`);
}

/** Deletes ended windows (dead rows: the next hit would restart them anyway). Returns how many. */
export async function sweepRateLimits(db: Executor): Promise<number> {
  const result = await db.execute(sql`delete from rate_limit_hits where reset_at <= now()`);
  return result.rowCount ?? 0;
}
