/**
 * Runs independent queries concurrently on a pool, one after another on a transaction: a transaction is one
 * connection, and node-postgres deprecates overlapping queries on one client.
 */
export async function gather<T extends readonly unknown[]>(
  concurrent: boolean,
  thunks: { [K in keyof T]: () => Promise<T[K]> },
): Promise<T> {
  if (concurrent) return (await Promise.all(thunks.map((run) => run()))) as unknown as T;
  const results: unknown[] = [];
  for (const run of thunks) results.push(await run());
  return results as unknown as T;
}
