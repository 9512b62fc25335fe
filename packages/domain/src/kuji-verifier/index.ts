/**
 * `@popbox/domain/kuji-verifier`: everything a buyer (or anyone) needs to check a kuji board from its public
 * fairness document alone. Pure: Web Crypto plus one BLS dependency for beacon signatures.
 */
export * from './v1.js';
export * from './recipe-v2.js';
