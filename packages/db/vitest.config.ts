import { defineConfig } from 'vitest/config';

// Standalone config for `vitest run --root packages/db`; mirrors the root config's integration project.
// Only 'development': vitest also hands these conditions to Node, and an 'import' condition there makes
// CommonJS `require('pg-pool')` inside pg load pg-pool's ESM build ("Class extends value [object Module]").
const conditions = ['development'];

export default defineConfig({
  resolve: { conditions },
  ssr: { resolve: { conditions } },
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    globalSetup: ['src/testing/global-setup.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
  },
});
