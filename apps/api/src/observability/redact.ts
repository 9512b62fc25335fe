/**
 * Redaction of secrets before anything leaves the process (B22, security rule 15): shared by the logger and
 * error tracking so both hide the same things.
 */
export const REDACTED = '[REDACTED]';
/** `[REDACTED]` as it appears inside a URL. */
export const REDACTED_IN_URL = encodeURIComponent(REDACTED);

/** Query parameters that carry a credential: guest access tokens and Stripe Checkout session ids. */
export const SECRET_QUERY_PARAMS = ['token', 'session_id', 'checkout_session_id'] as const;

/** Headers that carry a credential (compared case-insensitively). Others, e.g. `stripe-signature`, stay. */
export const SECRET_HEADERS = ['authorization', 'cookie', 'set-cookie', 'x-order-token'] as const;

/** Field names whose values are secrets wherever they appear (logs and error events). */
export const SECRET_FIELDS = [
  'password',
  'token',
  'accessToken',
  'refreshToken',
  'apiKey',
  'secret',
] as const;

const SECRET_NAMES = SECRET_QUERY_PARAMS.join('|');
const QUERY_VALUE = new RegExp(`(^|[?&])(${SECRET_NAMES})=([^&#\\s"'<>]*)`, 'gi');
/**
 * The same names as JSON string fields, raw or URL-encoded: tRPC sends a query's input as `?input=<JSON>`,
 * so a Checkout Session id arrives as `input={"session_id":"cs_…"}` or `input=%7B%22session_id%22%3A…`.
 */
const QUOTE = '(?:"|%22)';
const COLON = '(?:\\s|%20)*(?::|%3A)(?:\\s|%20)*';
const JSON_VALUE = new RegExp(
  `(${QUOTE}(?:${SECRET_NAMES})${QUOTE}${COLON}${QUOTE})((?:\\\\.|(?!%22)[^"\\\\&#\\s])*)`,
  'gi',
);
const MENTIONS_SECRET_NAME = new RegExp(SECRET_NAMES, 'i');
const secretHeaders = new Set<string>(SECRET_HEADERS);
const secretQueryParams = new Set<string>(SECRET_QUERY_PARAMS);
const secretFields = new Set<string>([...SECRET_FIELDS].map((f) => f.toLowerCase()));

/**
 * Replaces the values of secret query parameters in a URL, a bare query string or any text containing
 * URLs: `/orders/PBX-1/access?token=abc&x=1` → `/orders/PBX-1/access?token=%5BREDACTED%5D&x=1`, and the
 * same names as JSON fields (tRPC's `?input=`): `{"session_id":"cs_1"}` → `{"session_id":"[REDACTED]"}`,
 * URL-encoded or not. Everything else is left byte-for-byte as it was.
 */
export function redactQueryValues(text: string): string {
  if (!MENTIONS_SECRET_NAME.test(text)) return text;
  const query = text.includes('=')
    ? text.replace(QUERY_VALUE, (_m, lead: string, name: string) => `${lead}${name}=${REDACTED_IN_URL}`)
    : text;
  return query.replace(JSON_VALUE, (_m, lead: string) =>
    lead.endsWith('"') ? `${lead}${REDACTED}` : `${lead}${REDACTED_IN_URL}`,
  );
}

/**
 * A failed query's bound parameters (Drizzle writes them into its error message as `\nparams: …` and keeps
 * them in `params`) can hold emails, names, addresses or a Checkout Session id: never logged or reported.
 */
const SQL_PARAMS_LINE = /\nparams: [^\n]*/g;
export function redactSqlParams(text: string): string {
  return text.includes('\nparams: ') ? text.replace(SQL_PARAMS_LINE, `\nparams: ${REDACTED}`) : text;
}

/** Every text rule at once: secret query values and JSON fields, SQL parameters. */
export function redactText(text: string): string {
  return redactSqlParams(redactQueryValues(text));
}

/**
 * A serialised error (pino's `err`, with its `cause` chain) without secrets: `params` fields are replaced
 * and messages / stacks go through `redactText`.
 */
export function redactSerializedError<T>(value: T, depth = 0): T {
  if (typeof value === 'string') return redactText(value) as T;
  if (value === null || typeof value !== 'object' || depth > 6) return value;
  const record = value as Record<string, unknown>;
  for (const [key, field] of Object.entries(record)) {
    record[key] = key === 'params' ? REDACTED : redactSerializedError(field, depth + 1);
  }
  return value;
}

export function isSecretHeader(name: string): boolean {
  return secretHeaders.has(name.toLowerCase());
}

export function isSecretQueryParam(name: string): boolean {
  return secretQueryParams.has(name.toLowerCase());
}

export function isSecretField(name: string): boolean {
  return secretFields.has(name.toLowerCase());
}
