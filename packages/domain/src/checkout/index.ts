export * from './cart.rules.js';
export * from './create-checkout-session.js';
