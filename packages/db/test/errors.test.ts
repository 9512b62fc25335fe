import { describe, expect, it } from 'vitest';
import { isCheckViolation, isForeignKeyViolation, isUniqueViolation, pgError } from '../src/errors.js';

const pgUnique = Object.assign(new Error('duplicate key'), {
  code: '23505',
  constraint: 'products_slug_key',
});

describe('postgres error helpers', () => {
  it('recognise a driver error directly', () => {
    expect(isUniqueViolation(pgUnique)).toMatchObject({ code: '23505', constraint: 'products_slug_key' });
  });

  it('look through drizzle wrapping (err.cause)', () => {
    const wrapped = new Error('Failed query: insert …', { cause: pgUnique });
    expect(isUniqueViolation(wrapped)?.constraint).toBe('products_slug_key');
    expect(isCheckViolation(wrapped)).toBeNull();
    expect(isForeignKeyViolation(wrapped)).toBeNull();
  });

  it("treat PostgreSQL 18's restrict_violation (23001) as a foreign-key violation", () => {
    const restrict = Object.assign(new Error('restrict'), {
      code: '23001',
      constraint: 'tickets_kuji_prize_id_fk',
    });
    expect(isForeignKeyViolation(restrict)?.constraint).toBe('tickets_kuji_prize_id_fk');
  });

  it('return null for anything that is not a postgres error', () => {
    expect(pgError(new Error('boom'))).toBeNull();
    expect(pgError(Object.assign(new Error('fs'), { code: 'ENOENT' }))).toBeNull();
    expect(pgError(undefined)).toBeNull();
    expect(pgError('23505')).toBeNull();
  });
});
