export * from './fake-resend.js';
export * from './fake-beacon.js';
