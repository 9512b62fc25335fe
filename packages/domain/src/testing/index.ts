export * from './fake-resend.js';
export * from './kuji.js';
export * from './fake-beacon.js';
