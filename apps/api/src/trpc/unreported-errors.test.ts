import { TRPCError } from '@trpc/server';
import { describe, expect, it } from 'vitest';
import type { Logger } from '@popbox/domain';
import { logUnhandledAdapterError, markHandled } from './unreported-errors.js';

function recordingLogger() {
  const errors: { obj: unknown; msg: unknown }[] = [];
  const log = { error: (obj: unknown, msg?: unknown) => void errors.push({ obj, msg }) } as unknown as Logger;
  return { log, errors };
}

describe('5xx outside a procedure', () => {
  it('logs a failure the error boundary never saw, with its cause, on the request logger', () => {
    const fallback = recordingLogger();
    const request = recordingLogger();
    const cause = new RangeError('Maximum call stack size exceeded');
    logUnhandledAdapterError(fallback.log)({
      error: new TRPCError({ code: 'INTERNAL_SERVER_ERROR', cause }),
      path: 'public.catalog.home',
      ctx: { log: request.log },
    });
    expect(request.errors).toHaveLength(1);
    expect(request.errors[0]!.obj).toMatchObject({ err: cause, path: 'public.catalog.home' });
    expect(fallback.errors).toHaveLength(0);
  });

  it('uses the root logger when there is no context', () => {
    const fallback = recordingLogger();
    logUnhandledAdapterError(fallback.log)({ error: new TRPCError({ code: 'INTERNAL_SERVER_ERROR' }) });
    expect(fallback.errors).toHaveLength(1);
  });

  it('does not log again what the procedures already logged, nor client errors', () => {
    const fallback = recordingLogger();
    const onError = logUnhandledAdapterError(fallback.log);
    const cause = new Error('database exploded');
    markHandled(cause);
    onError({ error: new TRPCError({ code: 'INTERNAL_SERVER_ERROR', cause }) });
    onError({ error: new TRPCError({ code: 'BAD_REQUEST', message: 'nope' }) });
    expect(fallback.errors).toHaveLength(0);
  });
});
