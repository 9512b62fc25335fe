export * from './test-database.js';
export * from './url.js';
export * from './factories.js';
