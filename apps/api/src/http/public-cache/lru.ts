/** An entry's size in bytes, as the bound counts it. */
export interface Sized {
  bytes: number;
}

/**
 * A least-recently-used map bounded by entry count and total bytes (a Map keeps insertion order: a hit is
 * moved to the end, eviction takes from the front).
 */
export class BoundedLru<V extends Sized> {
  private readonly map = new Map<string, V>();
  private total = 0;

  constructor(
    private readonly maxEntries: number,
    private readonly maxBytes: number,
  ) {}

  get size(): number {
    return this.map.size;
  }

  get bytes(): number {
    return this.total;
  }

  get(key: string): V | undefined {
    const value = this.map.get(key);
    if (value === undefined) return undefined;
    this.map.delete(key);
    this.map.set(key, value);
    return value;
  }

  /** Refuses (returns false) a value larger than an eighth of the byte bound: it would evict too much. */
  set(key: string, value: V): boolean {
    if (value.bytes > this.maxBytes / 8) return false;
    this.delete(key);
    this.map.set(key, value);
    this.total += value.bytes;
    while (this.map.size > this.maxEntries || this.total > this.maxBytes) {
      const oldest = this.map.keys().next().value as string;
      this.delete(oldest);
    }
    return true;
  }

  delete(key: string): void {
    const value = this.map.get(key);
    if (value === undefined) return;
    this.map.delete(key);
    this.total -= value.bytes;
  }

  clear(): void {
    this.map.clear();
    this.total = 0;
  }
}
