export * from './html.js';
export * from './outbox.js';
