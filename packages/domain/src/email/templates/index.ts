export * from './order-email-data.js';
export * from './order-confirmation.js';
export * from './shop-notification.js';
export * from './shop-alert.js';
