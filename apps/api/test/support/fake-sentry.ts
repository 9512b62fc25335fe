import * as Sentry from '@sentry/node';

/** One item of a Sentry envelope: its header type and JSON payload. */
export interface SentItem {
  type: string;
  payload: Record<string, unknown> & {
    type?: string;
    tags?: Record<string, string>;
    extra?: Record<string, unknown>;
    request?: { url?: string; query_string?: unknown; headers?: Record<string, string> };
    breadcrumbs?: { data?: Record<string, unknown>; message?: string }[];
    exception?: { values?: { type?: string; value?: string }[] };
  };
}

/**
 * A fake Sentry transport: records the exact bytes the SDK would send, instead of sending them. Tests assert
 * on `raw` (nothing secret may appear anywhere) and on the parsed items.
 */
export interface FakeSentry {
  transport: NonNullable<Sentry.NodeOptions['transport']>;
  raw: string[];
  items(): SentItem[];
  errorEvents(): SentItem['payload'][];
  clear(): void;
}

export function fakeSentryTransport(): FakeSentry {
  const raw: string[] = [];
  const transport: FakeSentry['transport'] = (options) =>
    Sentry.createTransport(options, async (request) => {
      raw.push(typeof request.body === 'string' ? request.body : new TextDecoder().decode(request.body));
      return { statusCode: 200 };
    });
  return {
    transport,
    raw,
    items(): SentItem[] {
      const items: SentItem[] = [];
      for (const envelope of raw) {
        const lines = envelope.split('\n').filter(Boolean);
        for (let i = 1; i + 1 < lines.length; i += 2) {
          const header = JSON.parse(lines[i]!) as { type: string };
          items.push({ type: header.type, payload: JSON.parse(lines[i + 1]!) as SentItem['payload'] });
        }
      }
      return items;
    },
    errorEvents(): SentItem['payload'][] {
      return this.items()
        .filter((i) => i.type === 'event')
        .map((i) => i.payload);
    },
    clear() {
      raw.length = 0;
    },
  };
}
