export * from './errors.js';
export * from './common.js';
export * from './content.js';
export * from './orders.js';
export * from './ops.js';
export * from './kuji.js';
export * from './checkout.js';
