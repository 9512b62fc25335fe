import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import { createDb } from '@popbox/db';
import { grantAdmin, isDomainError } from '@popbox/domain';
import { loadAdminGrantConfig } from '../config.js';

/**
 * `pnpm admin:grant <userId> <email>` (F18): provisions a staff account with role admin. The user id is the
 * identity provider's (Supabase `auth.users.id`). Uses DATABASE_URL; outside production it falls back to
 * the database of the running `pnpm dev` (recorded in .data/dev.json).
 */
const Args = z.tuple([
  z.uuid({ error: 'userId must be a UUID' }),
  z.email({ error: 'email must be an email address' }),
]);

async function databaseUrl(config: ReturnType<typeof loadAdminGrantConfig>): Promise<string> {
  if (config.databaseUrl) return config.databaseUrl;
  if (config.production) throw new Error('DATABASE_URL is required in production');
  try {
    const state = JSON.parse(await readFile(config.devStateFile, 'utf8')) as { databaseUrl?: unknown };
    if (typeof state.databaseUrl === 'string' && state.databaseUrl) return state.databaseUrl;
  } catch {
    // fall through to the explanation below
  }
  throw new Error(
    `DATABASE_URL is not set and ${config.devStateFile} has no databaseUrl (start \`./shop dev\` first)`,
  );
}

async function run(argv: string[]): Promise<number> {
  const args = Args.safeParse(argv);
  if (!args.success) {
    console.error('Usage: ./shop admin:grant <userId> <email>');
    for (const issue of args.error.issues) console.error(`  - ${issue.message}`);
    return 2;
  }
  const [userId, email] = args.data;
  const database = createDb(await databaseUrl(loadAdminGrantConfig()), {
    max: 1,
    applicationName: 'popbox-admin-grant',
  });
  try {
    const user = await grantAdmin(database.db, { userId, email });
    console.log(`Granted admin to ${user.email} (${user.id}).`);
    return 0;
  } catch (error) {
    if (isDomainError(error)) {
      console.error(`Refused: ${error.message} (${JSON.stringify(error.details)})`);
      return 1;
    }
    throw error;
  } finally {
    await database.close();
  }
}

run(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  },
);
