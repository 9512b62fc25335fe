export * from './banner.rules.js';
export * from './settings.queries.js';
export * from './get-store-banner.js';
export * from './catalog-lists.js';
export * from './legal.js';
