export * from './guest-tokens.js';
export * from './access-link.js';
export * from './guest-access.js';
export * from './order-view.js';
export * from './get-guest-order.js';
export * from './ticket-views.js';
