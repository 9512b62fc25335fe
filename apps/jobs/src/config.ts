import { z } from 'zod';

/** The jobs app's configuration: the only module here that reads process.env. */
const EnvSchema = z.object({
  NODE_ENV: z.string().default('development'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  DATABASE_URL: z.string().regex(/^postgres(ql)?:\/\//, 'must be a postgres:// or postgresql:// URL'),
  /** pg-boss needs session features: a direct connection, not a transaction pooler. */
  DATABASE_DIRECT_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//)
    .optional(),
  JOBS_CLEANUP_CRON: z.string().default('17 * * * *'),
});

export type JobsConfig = ReturnType<typeof loadJobsConfig>;

export function loadJobsConfig(source: Record<string, string | undefined> = process.env) {
  const raw = Object.fromEntries(
    Object.entries(source).filter(([, v]) => v !== undefined && v.trim() !== ''),
  );
  const parsed = EnvSchema.safeParse(raw);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `  - ${i.path.join('.')}: ${i.message}`).join('\n');
    throw new Error(`Invalid configuration:\n${problems}`);
  }
  const env = parsed.data;
  return {
    production: env.NODE_ENV === 'production',
    logLevel: env.LOG_LEVEL,
    databaseUrl: env.DATABASE_URL,
    directDatabaseUrl: env.DATABASE_DIRECT_URL ?? env.DATABASE_URL,
    schedules: { cleanup: env.JOBS_CLEANUP_CRON },
  };
}
