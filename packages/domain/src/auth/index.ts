export * from './token-verifier.js';
export * from './authenticate-admin.js';
