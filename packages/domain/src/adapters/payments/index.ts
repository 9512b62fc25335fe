export * from './stripe-payments.js';
export * from './stripe-webhooks.js';
export * from './simulator-payments.js';
export * from './simulator-session-closer.js';
