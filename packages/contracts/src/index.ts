export * from './errors.js';
export * from './common.js';
export * from './content.js';
export * from './catalog.js';
export * from './admin-catalog.js';
export * from './kuji-admin.js';
export * from './admin-content.js';
export * from './contact.js';
