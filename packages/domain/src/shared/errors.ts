import { ERROR_STATUS, type ErrorCode, type UpstreamFailure } from '@popbox/contracts/errors';

export type { ErrorCode, UpstreamFailure };

/** The only error type use cases throw on purpose. The API maps `code` to an HTTP status and tRPC code. */
export class DomainError extends Error {
  override readonly name = 'DomainError';
  readonly status: number;
  /** Which provider failed, for `UPSTREAM_FAILED`: selects the public message (the `message` stays internal). */
  readonly upstream?: UpstreamFailure;

  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details?: unknown,
    options?: { cause?: unknown; upstream?: UpstreamFailure },
  ) {
    super(message, options);
    this.status = ERROR_STATUS[code];
    if (options?.upstream) this.upstream = options.upstream;
  }
}

export function isDomainError(error: unknown): error is DomainError {
  return error instanceof DomainError;
}

export const notFound = (what: string, details?: unknown) =>
  new DomainError('NOT_FOUND', `${what} not found`, details);
