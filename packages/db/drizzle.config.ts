import { defineConfig } from 'drizzle-kit';

// Used only by `pnpm generate`; migrations are applied by src/migrate.ts (drizzle's migrator).
export default defineConfig({
  dialect: 'postgresql',
  schema: './src/schema/index.ts',
  out: './migrations',
  strict: true,
  verbose: true,
});
