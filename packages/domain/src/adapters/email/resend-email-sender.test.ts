import { describe, expect, it } from 'vitest';
import { isPermanentResendError } from './resend-email-sender.js';

describe('Resend error classification', () => {
  it('does not retry validation errors and invalid addresses', () => {
    expect(isPermanentResendError({ statusCode: 422, name: 'validation_error' })).toBe(true);
    expect(isPermanentResendError({ statusCode: 400, name: 'validation_error' })).toBe(true);
    expect(isPermanentResendError({ statusCode: 422, name: 'invalid_from_address' })).toBe(true);
    expect(isPermanentResendError({ statusCode: 409, name: 'invalid_idempotent_request' })).toBe(true);
  });

  it('retries server errors, network failures, rate limits and credential problems', () => {
    expect(isPermanentResendError({ statusCode: 500, name: 'internal_server_error' })).toBe(false);
    expect(isPermanentResendError({ statusCode: 503, name: 'application_error' })).toBe(false);
    expect(isPermanentResendError({ statusCode: null, name: 'application_error' })).toBe(false);
    expect(isPermanentResendError({ statusCode: 429, name: 'rate_limit_exceeded' })).toBe(false);
    expect(isPermanentResendError({ statusCode: 409, name: 'concurrent_idempotent_requests' })).toBe(false);
    expect(isPermanentResendError({ statusCode: 403, name: 'invalid_api_key' })).toBe(false);
  });
});
