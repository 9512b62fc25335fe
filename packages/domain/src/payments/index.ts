export * from './payment.state.js';
export * from './finalisation.rules.js';
export * from './receive-payment-webhook.js';
export * from './retry-finalisation.js';
export * from './close-payment-sessions.js';
