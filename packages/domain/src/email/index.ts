export * from './html.js';
export * from './outbox.js';
export * from './templates/index.js';
