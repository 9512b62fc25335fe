/** Small injected ports for nondeterminism, so use cases are tested with exact expectations. */
export interface Clock {
  now(): Date;
}
export interface Random {
  bytes(length: number): Uint8Array;
  uuid(): string;
}
export interface Logger {
  debug(obj: object | string, msg?: string): void;
  info(obj: object | string, msg?: string): void;
  warn(obj: object | string, msg?: string): void;
  error(obj: object | string, msg?: string): void;
  child(bindings: Record<string, unknown>): Logger;
}

export const systemClock: Clock = { now: () => new Date() };

import { randomBytes, randomUUID } from 'node:crypto';
export const systemRandom: Random = { bytes: (n) => randomBytes(n), uuid: () => randomUUID() };

/** A clock tests can move. */
export function fixedClock(
  start: Date | string,
): Clock & { set(d: Date | string): void; advance(ms: number): void } {
  let current = new Date(start);
  return {
    now: () => new Date(current),
    set: (d) => void (current = new Date(d)),
    advance: (ms) => void (current = new Date(current.getTime() + ms)),
  };
}

export const silentLogger: Logger = {
  debug() {},
  info() {},
  warn() {},
  error() {},
  child() {
    return silentLogger;
  },
};
