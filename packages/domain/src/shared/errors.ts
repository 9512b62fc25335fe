import { ERROR_STATUS, type ErrorCode } from '@popbox/contracts/errors';

export type { ErrorCode };

/** The only error type use cases throw on purpose. The API maps `code` to an HTTP status and tRPC code. */
export class DomainError extends Error {
  override readonly name = 'DomainError';
  readonly status: number;

  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details?: unknown,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.status = ERROR_STATUS[code];
  }
}

export function isDomainError(error: unknown): error is DomainError {
  return error instanceof DomainError;
}

export const notFound = (what: string, details?: unknown) =>
  new DomainError('NOT_FOUND', `${what} not found`, details);
