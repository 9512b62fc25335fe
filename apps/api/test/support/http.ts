/** Test HTTP helpers: JSON bodies typed loosely on purpose (tests assert on them). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Json = any;

export async function json(res: Response): Promise<Json> {
  return (await res.json()) as Json;
}
