import type { Deps } from '@popbox/domain';
import type { Logger, OrderGrant } from '@popbox/domain';
import type { ReadGate } from './read-gate.js';
import type { LiveBoard } from '../live/live-board.js';

/** Who is calling. Resolved lazily by the tier middlewares in init.ts, never trusted from the client. */
export type Actor =
  | { kind: 'anonymous' }
  | { kind: 'guest'; grants: OrderGrant[] }
  | { kind: 'admin'; userId: string; email: string };

/** What a procedure may do to the HTTP response without knowing it is HTTP (tests pass a recorder). */
export interface ResponseControl {
  setHeader(name: string, value: string): void;
  setCookie(name: string, value: string, options: CookieOptions): void;
  clearCookie(name: string, options: Omit<CookieOptions, 'maxAgeSeconds'>): void;
  status?: number;
}
export interface CookieOptions {
  httpOnly: boolean;
  sameSite: 'lax' | 'strict' | 'none';
  secure: boolean;
  path: string;
  maxAgeSeconds: number;
}

/** The raw credentials a request presented; the tier middlewares turn them into an Actor. */
export interface Credentials {
  authorization?: string | undefined;
  cookies: Record<string, string>;
  headers: Record<string, string | string[] | undefined>;
  ip?: string | undefined;
}

export interface Context {
  deps: Deps;
  actor: Actor;
  requestId: string;
  log: Logger;
  credentials: Credentials;
  response: ResponseControl;
  /** The fair queue public reads go through (HTTP only; callers without one run reads ungated). */
  readGate?: ReadGate | undefined;
  /** The process's live kuji board (HTTP only: the tRPC subscription `public.kuji.live`). */
  live?: LiveBoard | undefined;
}

/** A response recorder for callers without an HTTP response (tests, createCaller). */
export function recordingResponse(): ResponseControl & {
  headers: Record<string, string>;
  cookies: Record<string, { value: string; options: Partial<CookieOptions> } | null>;
} {
  const headers: Record<string, string> = {};
  const cookies: Record<string, { value: string; options: Partial<CookieOptions> } | null> = {};
  return {
    headers,
    cookies,
    setHeader: (name, value) => void (headers[name.toLowerCase()] = value),
    setCookie: (name, value, options) => void (cookies[name] = { value, options }),
    clearCookie: (name) => void (cookies[name] = null),
  };
}

export function createContextInner(deps: Deps, opts: Partial<Omit<Context, 'deps'>> = {}): Context {
  return {
    deps,
    actor: opts.actor ?? { kind: 'anonymous' },
    requestId: opts.requestId ?? 'internal',
    log: opts.log ?? deps.logger,
    credentials: opts.credentials ?? { cookies: {}, headers: {} },
    response: opts.response ?? recordingResponse(),
  };
}
