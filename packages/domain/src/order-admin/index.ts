export * from './admin-order-detail.js';
export * from './list-admin-orders.js';
export * from './list-customers.js';
export * from './update-order-status.js';
export * from './update-shipment.js';
export * from './shipment.rules.js';
export * from './resend-confirmation.js';
export * from './issue-access-link.js';
