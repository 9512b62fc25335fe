// @ts-check
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';

/** One-way dependencies of architecture.md, enforced per package. */
const restrict = (groups) => ({
  'no-restricted-imports': [
    'error',
    {
      patterns: groups.map(([group, message]) =>
        typeof group === 'string' ? { regex: group, message } : { group, message },
      ),
    },
  ],
});
/** contracts, except its dependency-free error-code list. */
const contractsButErrors = '^@popbox/contracts(?!/errors$)';
const providerSdks = ['stripe', 'resend', '@supabase/*', '@sentry/*'];
const httpLayer = ['express', 'express/*', '@trpc/*', 'trpc-to-openapi'];

export default tseslint.config(
  { ignores: ['**/dist/**', '**/node_modules/**', '.data/**', 'packages/db/migrations/**', 'coverage/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' },
      ],
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
    },
  },
  {
    files: ['packages/contracts/src/**/*.ts'],
    rules: restrict([
      [
        ['@popbox/*', 'drizzle-orm', 'drizzle-orm/*', 'pg', 'node:*', ...httpLayer, ...providerSdks],
        'contracts depend on zod only (they run in browsers).',
      ],
    ]),
  },
  {
    files: ['packages/db/src/**/*.ts'],
    rules: restrict([
      [
        [
          '@popbox/domain',
          '@popbox/domain/*',
          '@popbox/contracts',
          '@popbox/contracts/*',
          '@popbox/api',
          '@popbox/jobs',
          ...httpLayer,
          ...providerSdks,
        ],
        'db depends on drizzle-orm and pg only.',
      ],
    ]),
  },
  {
    files: ['packages/domain/src/**/*.ts'],
    ignores: ['packages/domain/src/adapters/**'],
    rules: restrict([
      [contractsButErrors, 'domain never imports contracts (only the dependency-free error-code list).'],
      [['@popbox/api', '@popbox/jobs', ...httpLayer], 'domain knows nothing of HTTP or tRPC.'],
      [providerSdks, 'provider SDKs are imported only by files in packages/domain/src/adapters/.'],
    ]),
  },
  {
    files: ['packages/domain/src/adapters/**/*.ts'],
    rules: restrict([
      [contractsButErrors, 'domain never imports contracts.'],
      [['@popbox/api', '@popbox/jobs', ...httpLayer], 'domain knows nothing of HTTP or tRPC.'],
    ]),
  },
  {
    files: ['packages/domain/src/kuji-verifier/**/*.ts'],
    rules: restrict([
      [
        '^(?!\\./[\\w.-]+\\.js$|@noble/(?:curves|hashes)/)',
        'the kuji verifier runs in browsers: Web Crypto and @noble/* only.',
      ],
    ]),
  },
  {
    files: ['packages/domain/src/config/config-checks.ts'],
    rules: restrict([
      [['*'], 'the config checks are dependency-free so each app can validate its settings cheaply.'],
    ]),
  },
  {
    files: ['apps/jobs/src/**/*.ts'],
    rules: restrict([
      [
        ['@popbox/api', '@popbox/contracts', '@popbox/contracts/*', ...httpLayer],
        'jobs depend on domain and db only.',
      ],
    ]),
  },
  {
    files: ['apps/api/src/**/*.ts'],
    rules: restrict([[['@popbox/jobs'], 'the API does not import the jobs app.']]),
  },
  {
    files: ['**/*.test.ts', '**/*.int.test.ts', '**/test/**/*.ts', 'scripts/**/*.ts'],
    rules: { 'no-restricted-imports': 'off' },
  },
);
