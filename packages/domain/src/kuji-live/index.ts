export * from './notify-kuji-board.js';
export * from './live-state.rules.js';
export * from './get-kuji-live-state.js';
