export * from './errors.js';
export * from './common.js';
export * from './content.js';
export * from './catalog.js';
