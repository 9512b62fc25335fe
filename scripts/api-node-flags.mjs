/**
 * Node flags the built API runs with (`pnpm start`, `pnpm bench`; the Dockerfile's CMD and the API's own
 * `start` script repeat them). Issue 14, lean memory: V8 otherwise lets the young generation grow to
 * 2 × 64 MB while ~1,400 modules load at startup, and keeps it for good (~200 MB of the idle API's ~370 MB
 * RSS). With 4 MB semi-spaces the idle production API measured ~165 MB and peaked near 190 MB under load;
 * 2 MB gave ~140 MB idle but ~30 % more API CPU per uncached product list; 16 MB peaked near 250 MB.
 * `--expose-gc` lets the API run one last-resort collection once startup is done (`releaseStartupMemory`
 * in apps/api/src/lifecycle.ts): V8 otherwise keeps the ~50 MB of heap pages freed after loading pooled
 * while the process idles (idle RSS ~160 → ~100 MB; no effect on throughput).
 */
export const API_NODE_FLAGS = ['--max-semi-space-size=4', '--expose-gc'];
