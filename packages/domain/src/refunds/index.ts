export * from './refund.rules.js';
export * from './refund-order.js';
export * from './reconcile-refunds.js';
export * from './apply-provider-refunds.js';
export * from './sync-refund-aggregate.js';
export * from './refund-intents.queries.js';
