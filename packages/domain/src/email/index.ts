export * from './html.js';
export * from './outbox.js';
export * from './outbox-delivery.rules.js';
export * from './deliver-outbox-batch.js';
export * from './deliver-outbox.js';
export * from './list-outbox-emails.js';
export * from './list-dev-mailbox.js';
export * from './templates/index.js';
