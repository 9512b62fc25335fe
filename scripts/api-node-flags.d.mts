/** See api-node-flags.mjs (plain JavaScript: `pnpm start` runs without tsx). */
export declare const API_NODE_FLAGS: readonly string[];
