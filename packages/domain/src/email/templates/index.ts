export * from './order-email-data.js';
export * from './order-confirmation.js';
export * from './shop-notification.js';
export * from './shop-alert.js';
export * from './shipment.js';
export * from './refund.js';
export * from './access-link.js';
