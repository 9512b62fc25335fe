export * from './public-read-version.js';
