/**
 * Runs `load` once per process, on first use, and shares its promise; a failure is retried on the next call
 * (a module that failed to import, a bundle that failed to build). Issue 14 (lean memory): SDKs load this way.
 */
export function loadOnce<T>(load: () => Promise<T>): () => Promise<T> {
  let cached: Promise<T> | undefined;
  return () =>
    (cached ??= load().catch((error: unknown) => {
      cached = undefined;
      throw error;
    }));
}
