/**
 * Bounds on open live streams in one process: per client (its IP key) and in total. `acquire` answers the
 * release function, or undefined when a bound is reached. Releasing twice is harmless.
 */
export class StreamLimits {
  private readonly byClient = new Map<string, number>();
  private open = 0;

  constructor(
    readonly perClient: number,
    readonly total: number,
  ) {}

  get openStreams(): number {
    return this.open;
  }

  acquire(client: string): (() => void) | undefined {
    const mine = this.byClient.get(client) ?? 0;
    if (mine >= this.perClient || this.open >= this.total) return undefined;
    this.byClient.set(client, mine + 1);
    this.open += 1;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.open -= 1;
      const left = (this.byClient.get(client) ?? 1) - 1;
      if (left > 0) this.byClient.set(client, left);
      else this.byClient.delete(client);
    };
  }
}
