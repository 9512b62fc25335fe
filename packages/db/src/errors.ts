/** The fields of node-postgres' DatabaseError that callers map to domain errors. */
export interface PgErrorInfo {
  code: string;
  constraint?: string;
  table?: string;
  column?: string;
  detail?: string;
  hint?: string;
  message?: string;
}

/**
 * Finds the PostgreSQL error behind `err`. drizzle wraps driver errors in DrizzleQueryError with the pg
 * error as `cause`, so the cause chain is walked (bounded, in case of cycles).
 */
export function pgError(err: unknown): PgErrorInfo | null {
  let current: unknown = err;
  for (let depth = 0; depth < 5 && current && typeof current === 'object'; depth++) {
    const candidate = current as Record<string, unknown>;
    if (typeof candidate.code === 'string' && /^[0-9A-Z]{5}$/.test(candidate.code)) {
      return {
        code: candidate.code,
        ...optionalString('constraint', candidate.constraint),
        ...optionalString('table', candidate.table),
        ...optionalString('column', candidate.column),
        ...optionalString('detail', candidate.detail),
        ...optionalString('hint', candidate.hint),
        ...optionalString('message', candidate.message),
      };
    }
    current = candidate.cause;
  }
  return null;
}

function optionalString<K extends string>(key: K, value: unknown): Partial<Record<K, string>> {
  return typeof value === 'string' ? ({ [key]: value } as Record<K, string>) : {};
}

function byCode(...codes: string[]) {
  return (err: unknown): PgErrorInfo | null => {
    const info = pgError(err);
    return info && codes.includes(info.code) ? info : null;
  };
}

/** 23505: the `constraint` name says which field clashed (F10: 409 naming the field). */
export const isUniqueViolation = byCode('23505');
/**
 * 23503, or 23001 (restrict_violation): PostgreSQL 18 reports ON DELETE RESTRICT with 23001 where 15–17
 * report 23503, and the schema must behave the same on both.
 */
export const isForeignKeyViolation = byCode('23503', '23001');
/** 23514 */
export const isCheckViolation = byCode('23514');
/**
 * 26000 invalid_sql_statement_name or 42P05 duplicate_prepared_statement: a named prepared statement missing on
 * the server connection, or defined there by another client: what a transaction pooler does to them.
 */
export const isLostPreparedStatement = byCode('26000', '42P05');
/** 0A000 "cached plan must not change result type": a migration changed a prepared statement's result. */
export const isStalePreparedPlan = (err: unknown): boolean => {
  const info = pgError(err);
  return info?.code === '0A000' && /cached plan must not change result type/.test(info.message ?? '');
};
/** 55P03 lock_not_available: a lock wait ran past `lock_timeout` (or a NOWAIT lock was refused). */
export const isLockNotAvailable = byCode('55P03');

/** What node-postgres and pg-pool throw when no connection could be had (they carry no SQLSTATE). */
const UNAVAILABLE_MESSAGES = [
  'timeout exceeded when trying to connect', // pg-pool: every client busy for connectionTimeoutMillis
  'Connection terminated due to connection timeout', // pg: a new connection did not open in time
  'Cannot use a pool after calling end on the pool', // shutting down
];

/**
 * Whether `err` means the database had no connection to give right now: the pool stayed exhausted for its
 * whole wait, a new connection did not open in time, or the server (or a pooler in front of it) refused one
 * for capacity (53300 too_many_connections, 57P03 cannot_connect_now). The cause chain is walked, as for
 * pgError. Such an error is the service's momentary state, never the client's mistake (503 + Retry-After).
 * A database that cannot be reached at all (ECONNREFUSED, bad host) stays an unexpected, reported 500.
 */
export function isDatabaseUnavailable(err: unknown): boolean {
  let current: unknown = err;
  for (let depth = 0; depth < 5 && current && typeof current === 'object'; depth++) {
    const candidate = current as { code?: unknown; message?: unknown; cause?: unknown };
    const code = typeof candidate.code === 'string' ? candidate.code : '';
    if (code === '53300' || code === '57P03') return true;
    if (typeof candidate.message === 'string' && UNAVAILABLE_MESSAGES.includes(candidate.message))
      return true;
    current = candidate.cause;
  }
  return false;
}
