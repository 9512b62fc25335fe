import { runMigrations } from '../migrate.js';

// Migrations need a direct connection (session advisory lock); fall back to DATABASE_URL.
const url = process.env.DATABASE_DIRECT_URL ?? process.env.DATABASE_URL;
if (!url) {
  console.error('DATABASE_URL (or DATABASE_DIRECT_URL) is required');
  process.exit(1);
}

const started = Date.now();
try {
  await runMigrations(url);
  console.log(`migrations applied in ${Date.now() - started} ms`);
} catch (error) {
  console.error('migration failed:', error);
  process.exit(1);
}
