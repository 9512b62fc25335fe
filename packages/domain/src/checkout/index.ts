export * from './cart.rules.js';
export * from './shipping.rules.js';
export * from './get-shipping-settings.js';
export * from './create-checkout-session.js';
