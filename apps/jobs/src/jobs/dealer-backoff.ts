/**
 * While the beacon cannot be reached, the dealer ticker backs off (1 s, 2 s, 4 s … at most 30 s) instead of
 * queueing a run — and writing a job_runs row — every second; the first run that deals or finds the beacon
 * answering resets it. Per process; the minute cron keeps running as the backstop.
 */
const MAX_BACKOFF_MS = 30_000;

export const dealerBackoff = {
  failures: 0,
  until: 0,
  record(result: { beaconError: string | null; linesDealt: number }, nowMs = Date.now()): void {
    if (result.beaconError && result.linesDealt === 0) {
      this.failures += 1;
      this.until = nowMs + Math.min(MAX_BACKOFF_MS, 1000 * 2 ** (this.failures - 1));
    } else {
      this.failures = 0;
      this.until = 0;
    }
  },
  waiting(nowMs = Date.now()): boolean {
    return nowMs < this.until;
  },
};
