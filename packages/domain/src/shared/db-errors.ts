import { isForeignKeyViolation, isUniqueViolation } from '@popbox/db';
import { DomainError } from './errors.js';

/**
 * F10: a unique violation the caller foresaw becomes 409 DUPLICATE naming the field. `fields` maps
 * constraint names to the API field they protect; anything else is rethrown unchanged.
 */
export function rethrowDuplicate(error: unknown, fields: Record<string, string>): never {
  const unique = isUniqueViolation(error);
  const field = unique?.constraint ? fields[unique.constraint] : undefined;
  if (field) {
    throw new DomainError(
      'DUPLICATE',
      `Another record already uses this ${field}`,
      { field },
      { cause: error },
    );
  }
  throw error;
}

/** A row still referenced elsewhere (ON DELETE RESTRICT) is a state conflict, never a 500. */
export function rethrowStillReferenced(error: unknown, what: string): never {
  if (isForeignKeyViolation(error)) {
    throw new DomainError('CONFLICT', `${what} is still referenced and cannot be deleted`, undefined, {
      cause: error,
    });
  }
  throw error;
}

/** A 400 with the same details shape as schema validation: `{ fields: { path: [messages] } }`. */
export function validationFailed(fields: Record<string, string[]>): DomainError {
  const summary = Object.entries(fields)
    .slice(0, 3)
    .map(([path, messages]) => `${path}: ${messages[0]}`)
    .join('; ');
  return new DomainError('VALIDATION_FAILED', `Invalid input: ${summary}`, { fields });
}
