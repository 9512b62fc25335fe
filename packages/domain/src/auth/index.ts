export * from './token-verifier.js';
export * from './authenticate-admin.js';
export * from './grant-admin.js';
