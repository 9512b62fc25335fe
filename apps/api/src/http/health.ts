import { Router } from 'express';
import { checkDatabaseReadiness, type Deps } from '@popbox/domain';
import type { PlainPaths } from './openapi.js';
import { errorContent } from './openapi/responses.js';
import { PUBLIC_SECURITY } from './openapi/security.js';
import { errorBody } from './send-error.js';

const READY_TIMEOUT_MS = 3000;

async function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      promise,
      new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error('timeout')), ms))),
    ]);
  } finally {
    clearTimeout(timer);
  }
}

/** Liveness and readiness (B21 with F11: ready also requires migrations at head). Never rate-limited. */
export function healthRouter(deps: Pick<Deps, 'db'>): Router {
  const r = Router();
  const started = Date.now();
  const uptime = () => Math.round((Date.now() - started) / 1000);

  r.head('/health', (_req, res) => void res.status(200).end());
  r.get('/health', (_req, res) => void res.json({ uptime: uptime(), timestamp: Date.now() }));

  const check = async () => {
    const t0 = performance.now();
    try {
      const status = await withTimeout(checkDatabaseReadiness(deps), READY_TIMEOUT_MS);
      const durationMs = Math.round(performance.now() - t0);
      return status.atHead
        ? { ok: true as const, durationMs }
        : { ok: false as const, durationMs, reason: 'migrations_pending', migrations: status };
    } catch {
      return {
        ok: false as const,
        durationMs: Math.round(performance.now() - t0),
        reason: 'database_unreachable',
      };
    }
  };

  r.head('/ready', async (_req, res) => void res.status((await check()).ok ? 200 : 503).end());
  r.get('/ready', async (req, res) => {
    const result = await check();
    if (result.ok) {
      res.json({ durationMs: result.durationMs, timestamp: Date.now(), uptime: uptime() });
      return;
    }
    const { ok: _ok, ...details } = result;
    res.status(503).json(
      errorBody(
        {
          code: 'DEPENDENCY_UNAVAILABLE',
          status: 503,
          message: 'Service unavailable',
          details: { ...details, timeoutMs: READY_TIMEOUT_MS },
        },
        String(req.id),
      ),
    );
  });
  return r;
}

export const healthPaths: PlainPaths = {
  '/health': {
    get: {
      operationId: 'public-health-liveness',
      tags: ['health'],
      security: PUBLIC_SECURITY(),
      summary: 'Liveness: process uptime and timestamp',
      responses: {
        200: {
          description: 'Alive',
          content: {
            'application/json': {
              schema: {
                type: 'object',
                properties: { uptime: { type: 'integer' }, timestamp: { type: 'integer' } },
                required: ['uptime', 'timestamp'],
              },
            },
          },
        },
      },
    },
    head: {
      operationId: 'public-health-livenessProbe',
      tags: ['health'],
      summary: 'Liveness probe',
      security: PUBLIC_SECURITY(),
      responses: { 200: { description: 'Alive' } },
    },
  },
  '/ready': {
    get: {
      operationId: 'public-health-readiness',
      tags: ['health'],
      security: PUBLIC_SECURITY(),
      summary: 'Readiness: database answers within 3 s and migrations are at head',
      responses: {
        200: {
          description: 'Ready',
          content: {
            'application/json': {
              schema: {
                type: 'object',
                properties: {
                  durationMs: { type: 'integer' },
                  timestamp: { type: 'integer' },
                  uptime: { type: 'integer' },
                },
                required: ['durationMs', 'timestamp', 'uptime'],
              },
            },
          },
        },
        503: {
          description: 'Not ready: database unreachable or migrations pending (`DEPENDENCY_UNAVAILABLE`)',
          content: errorContent(),
        },
      },
    },
    head: {
      operationId: 'public-health-readinessProbe',
      tags: ['health'],
      summary: 'Readiness probe',
      security: PUBLIC_SECURITY(),
      responses: { 200: { description: 'Ready' }, 503: { description: 'Not ready' } },
    },
  },
};
