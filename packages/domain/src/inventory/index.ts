export * from './expire-pending-orders.js';
export * from './release-expired-reservations.js';
