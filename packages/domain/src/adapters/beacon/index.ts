export * from './local-beacon.js';
export * from './drand-beacon.js';
