export * from './embedded-challenge.js';
export * from './turnstile-challenge.js';
