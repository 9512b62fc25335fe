/**
 * `@popbox/domain/kuji-verifier`: everything a buyer (or anyone) needs to check a kuji board from its public
 * fairness document alone. Pure and browser-safe: Web Crypto plus @noble/curves (BLS beacon signatures).
 * The byte-exact recipe, with test vectors, is in RECIPE.md beside this file.
 */
export * from './v1.js';
export * from './recipe-v2.js';
export * from './beacon-signature.js';
export * from './quicknet-vectors.js';
export type * from './fairness-document.js';
export * from './verify-board.js';
