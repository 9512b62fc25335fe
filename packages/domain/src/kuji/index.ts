export * from './verifier.js';
export * from './board.queries.js';
export * from './sync-kuji-deck.js';
export * from './deal-kuji-line.js';
export * from './get-kuji-fairness.js';
export * from './reveal-tickets.js';
