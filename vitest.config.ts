import { defineConfig } from 'vitest/config';

// Workspace packages export TypeScript sources under the `development` condition.
const conditions = ['development', 'node'];

export default defineConfig({
  ssr: { resolve: { conditions } },
  test: {
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          include: ['{apps,packages}/*/src/**/*.test.ts', '{apps,packages}/*/test/**/*.test.ts'],
          exclude: ['**/node_modules/**', '**/dist/**', '**/*.int.test.ts'],
        },
      },
      {
        extends: true,
        test: {
          name: 'integration',
          include: ['{apps,packages}/*/src/**/*.int.test.ts', '{apps,packages}/*/test/**/*.int.test.ts'],
          exclude: ['**/node_modules/**', '**/dist/**'],
          globalSetup: ['packages/db/src/testing/global-setup.ts'],
          // Every API / jobs process a test spawns deals kuji draws with the test beacon (@popbox/domain/testing).
          env: { KUJI_BEACON: 'local', LOCAL_BEACON_PERIOD_SECONDS: '1' },
          testTimeout: 60_000,
          hookTimeout: 120_000,
        },
      },
    ],
  },
});
