export * from './test-database.js';
export * from './url.js';
export * from './factories.js';
export * from './query-counter.js';
