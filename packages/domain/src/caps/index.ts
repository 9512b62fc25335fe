export * from './buyer-keys.rules.js';
export * from './caps.rules.js';
export * from './check-checkout-caps.js';
export * from './purchase-limit-settings.js';
export * from './refund-over-cap-order.js';
