export * from './job-runs.js';
export * from './purge-expired-idempotency-keys.js';
export * from './readiness.js';
export * from './rate-limit-hits.queries.js';
