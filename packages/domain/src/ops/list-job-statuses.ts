import { sql } from 'drizzle-orm';
import type { JobRunStatus } from '@popbox/db';
import type { Deps } from '../shared/deps.js';
import { JOB_CATALOG, JOB_NAMES, PG_BOSS_SCHEMA } from './job-catalog.js';

const RECENT_FAILURES = 5;

interface RunRow extends Record<string, unknown> {
  id: string;
  jobName: string;
  status: JobRunStatus;
  startedAt: Date;
  finishedAt: Date | null;
  result: Record<string, unknown> | null;
  error: string | null;
}

const toRun = (row: RunRow) => ({
  id: row.id,
  status: row.status,
  startedAt: new Date(row.startedAt).toISOString(),
  finishedAt: row.finishedAt ? new Date(row.finishedAt).toISOString() : null,
  result: row.result,
  error: row.error,
});

const runColumns = sql`id, job_name AS "jobName", status, started_at AS "startedAt",
  finished_at AS "finishedAt", result, error`;

/**
 * F15: each job's schedule, last run, last success and recent failures. The schedule is the one pg-boss
 * actually holds (what the jobs app registered, overrides included); before the jobs app has ever started,
 * the catalog's default is shown and marked as such. Four queries, whatever the number of jobs.
 */
export async function listJobStatuses(deps: Pick<Deps, 'db'>) {
  const [schedules, lastRuns, lastSuccesses, failures] = await Promise.all([
    registeredSchedules(deps),
    deps.db.execute<RunRow>(
      sql`SELECT DISTINCT ON (job_name) ${runColumns} FROM job_runs ORDER BY job_name, started_at DESC`,
    ),
    deps.db.execute<RunRow>(
      sql`SELECT DISTINCT ON (job_name) ${runColumns} FROM job_runs WHERE status = 'succeeded'
          ORDER BY job_name, started_at DESC`,
    ),
    deps.db.execute<RunRow>(sql`
      SELECT ${runColumns} FROM (
        SELECT *, row_number() OVER (PARTITION BY job_name ORDER BY started_at DESC) AS n
        FROM job_runs WHERE status = 'failed'
      ) f WHERE n <= ${RECENT_FAILURES} ORDER BY job_name, started_at DESC`),
  ]);
  const byName = (rows: RunRow[]) => new Map(rows.map((r) => [r.jobName, r]));
  const last = byName(lastRuns.rows);
  const success = byName(lastSuccesses.rows);
  return {
    items: JOB_NAMES.map((name) => {
      const registered = schedules.get(name);
      const lastRun = last.get(name);
      const lastSuccess = success.get(name);
      return {
        name,
        description: JOB_CATALOG[name].description,
        schedule: registered?.cron ?? JOB_CATALOG[name].defaultSchedule,
        timezone: registered?.timezone ?? 'UTC',
        scheduleSource: registered ? ('registered' as const) : ('default' as const),
        lastRun: lastRun ? toRun(lastRun) : null,
        lastSuccessAt: lastSuccess ? new Date(lastSuccess.startedAt).toISOString() : null,
        recentFailures: failures.rows.filter((f) => f.jobName === name).map(toRun),
      };
    }),
  };
}

async function registeredSchedules(deps: Pick<Deps, 'db'>) {
  const table = `${PG_BOSS_SCHEMA}.schedule`;
  const exists = await deps.db.execute<{ present: boolean }>(
    sql`SELECT to_regclass(${table}) IS NOT NULL AS present`,
  );
  if (!exists.rows[0]?.present) return new Map<string, { cron: string; timezone: string }>();
  const rows = await deps.db.execute<{ name: string; cron: string; timezone: string | null }>(
    sql`SELECT name, cron, timezone FROM ${sql.identifier(PG_BOSS_SCHEMA)}.schedule WHERE key = ''`,
  );
  return new Map(rows.rows.map((r) => [r.name, { cron: r.cron, timezone: r.timezone ?? 'UTC' }]));
}
