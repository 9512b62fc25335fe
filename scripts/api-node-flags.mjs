/** Node flags the built API runs with (`pnpm start`, `pnpm bench`); the Dockerfile's CMD repeats them. */
export const API_NODE_FLAGS = [];
