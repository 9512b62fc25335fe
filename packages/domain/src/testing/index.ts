export * from './fake-resend.js';
