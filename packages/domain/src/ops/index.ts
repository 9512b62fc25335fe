export * from './job-runs.js';
export * from './job-catalog.js';
export * from './list-job-statuses.js';
export * from './purge-expired-idempotency-keys.js';
export * from './purge-old-job-runs.js';
export * from './readiness.js';
export * from './reconciliation/index.js';
export * from './rate-limit-hits.queries.js';
