export * from './local-beacon.js';
export * from './drand-beacon.js';
export * from './beacon-settings.js';
