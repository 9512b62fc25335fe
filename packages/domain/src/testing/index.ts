export * from './fake-resend.js';
export * from './kuji.js';
