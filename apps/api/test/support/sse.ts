/** A small Server-Sent Events reader over fetch, for tests that look at the raw stream. */

export interface SseEvent {
  event: string;
  id: string | undefined;
  data: string;
}

export interface SseStream {
  status: number;
  headers: Headers;
  /** The JSON body of a refused (non-200) answer. */
  body?: unknown;
  events: SseEvent[];
  /** Comment lines (without the leading colon), e.g. heartbeats. */
  comments: string[];
  /** `retry:` hints received. */
  retries: number[];
  /** Resolves with the first event (received so far or later) after index `from` matching `match`. */
  next(match?: (e: SseEvent) => boolean, opts?: { from?: number; timeoutMs?: number }): Promise<SseEvent>;
  /** Resolves when the server ended the stream. */
  ended: Promise<void>;
  close(): void;
}

export async function openSse(url: string, headers: Record<string, string> = {}): Promise<SseStream> {
  const abort = new AbortController();
  const res = await fetch(url, {
    headers: { accept: 'text/event-stream', ...headers },
    signal: abort.signal,
  });
  const events: SseEvent[] = [];
  const comments: string[] = [];
  const retries: number[] = [];
  const waiters = new Set<() => void>();
  const notify = () => waiters.forEach((w) => w());
  const stream: SseStream = {
    status: res.status,
    headers: res.headers,
    events,
    comments,
    retries,
    ended: Promise.resolve(),
    next(match = () => true, { from = 0, timeoutMs = 2_000 } = {}) {
      return new Promise((resolve, reject) => {
        const check = () => {
          const found = events.slice(from).find(match);
          if (!found) return false;
          clearTimeout(timer);
          waiters.delete(onChange);
          resolve(found);
          return true;
        };
        const onChange = () => void check();
        const timer = setTimeout(() => {
          waiters.delete(onChange);
          reject(new Error(`no matching event within ${timeoutMs} ms (${events.length} events)`));
        }, timeoutMs);
        if (!check()) waiters.add(onChange);
      });
    },
    close: () => abort.abort(),
  };
  if (res.status !== 200 || !res.body) {
    stream.body = await res.json().catch(() => undefined);
    return stream;
  }
  const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
  stream.ended = (async () => {
    let buffer = '';
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) return;
        buffer += value;
        let cut;
        while ((cut = buffer.indexOf('\n\n')) >= 0) {
          const block = buffer.slice(0, cut);
          buffer = buffer.slice(cut + 2);
          const event: SseEvent = { event: 'message', id: undefined, data: '' };
          const data: string[] = [];
          for (const line of block.split('\n')) {
            if (line.startsWith(':')) comments.push(line.slice(1).trim());
            else if (line.startsWith('retry:')) retries.push(Number(line.slice(6).trim()));
            else if (line.startsWith('event:')) event.event = line.slice(6).trim();
            else if (line.startsWith('id:')) event.id = line.slice(3).trim();
            else if (line.startsWith('data:')) data.push(line.slice(5).trimStart());
          }
          if (data.length) {
            event.data = data.join('\n');
            events.push(event);
          }
          notify();
        }
      }
    } catch {
      // aborted by close()
    }
  })();
  return stream;
}
