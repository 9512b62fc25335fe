/** Sending fuzz requests and judging the answers (issue 11). */

export type Surface = 'REST anonymous' | 'REST admin' | 'tRPC single' | 'tRPC batched';
export const SURFACES: Surface[] = ['REST anonymous', 'REST admin', 'tRPC single', 'tRPC batched'];

export interface FuzzRequest {
  surface: Surface;
  /** `GET /admin/products/{id}` or the procedure path(s). */
  operation: string;
  /** What is hostile about it (`nul@name + missing-field@items`). */
  tag: string;
  method: string;
  /** Path and query, relative to the server. */
  url: string;
  headers: Record<string, string>;
  body?: string | Uint8Array;
  /** The operation documents HTML error pages (a page for browsers): an HTML 4xx body is expected. */
  htmlErrors?: boolean;
}

export interface Answer {
  status: number;
  text: string;
  /** Network-level failure (no HTTP answer). */
  error?: string;
}

export const preview = (s: string, n = 240) => (s.length > n ? `${s.slice(0, n)}…(${s.length} chars)` : s);
const bodyText = (b: FuzzRequest['body']) =>
  b === undefined ? '' : typeof b === 'string' ? b : Buffer.from(b).toString('latin1');

/** A one-line reproduction: method, URL, content type and (truncated) body. */
export function describeRequest(req: FuzzRequest): string {
  const ct = req.headers['content-type'];
  const auth = req.headers.authorization ? ' [admin]' : '';
  const body = req.body === undefined ? '' : ` body=${JSON.stringify(preview(bodyText(req.body), 200))}`;
  return `${req.method} ${preview(req.url, 200)}${auth}${ct !== undefined ? ` (${ct || 'empty content-type'})` : ''}${body}`;
}

export async function send(base: string, req: FuzzRequest, timeoutMs = 30_000): Promise<Answer> {
  try {
    const res = await fetch(base + req.url, {
      method: req.method,
      headers: req.headers,
      redirect: 'manual',
      signal: AbortSignal.timeout(timeoutMs),
      ...(req.body !== undefined ? { body: req.body } : {}),
    });
    // An event stream (the live kuji board) never ends by itself: its start is the answer.
    if (res.headers.get('content-type')?.startsWith('text/event-stream')) {
      await res.body?.cancel();
      return { status: res.status, text: '' };
    }
    return { status: res.status, text: Buffer.from(await res.arrayBuffer()).toString('utf8') };
  } catch (error) {
    const cause = (error as { cause?: { code?: string; message?: string } }).cause;
    return { status: 0, text: '', error: cause?.code ?? cause?.message ?? String(error) };
  }
}

// Stack frames ("    at fn (/x/y.ts:1:2)"), source locations and the checkout path must never reach a client.
const STACK_PATTERNS = [
  /\n\s+at (?:[\w.<>$[\] ]+ \()?(?:file:|node:|\/|[A-Za-z]:\\)/,
  /\bat (?:async )?[\w.$<>[\] ]+ \((?:file:|node:|\/)[^)]*:\d+:\d+\)/,
  /\bnode_modules\//,
  /\.(?:ts|js|mjs|cjs):\d+:\d+/,
];

function leaksStack(text: string, repoRoot: string): boolean {
  return STACK_PATTERNS.some((p) => p.test(text)) || (repoRoot.length > 1 && text.includes(repoRoot));
}

export function parse(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

type Obj = Record<string, unknown>;
export const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/** spec (e)/F1 REST shape: `{ error: { code, status, message, requestId, details? } }`. */
function restShapeProblem(status: number, body: unknown): string | undefined {
  if (!isObj(body) || !isObj(body.error)) return 'error body is not { error: {…} }';
  const e = body.error;
  if (typeof e.code !== 'string' || !e.code) return 'error.code missing';
  if (e.status !== status) return `error.status ${String(e.status)} ≠ HTTP ${status}`;
  if (typeof e.message !== 'string') return 'error.message missing';
  if (typeof e.requestId !== 'string') return 'error.requestId missing';
  return undefined;
}

/** tRPC shape: `{ error: { message, code, data: { errorCode, httpStatus, … } } }`. */
function trpcErrorProblem(element: unknown, httpStatus?: number): string | undefined {
  if (!isObj(element) || !isObj(element.error)) return 'tRPC error is not { error: {…} }';
  const data = element.error.data;
  if (typeof element.error.message !== 'string') return 'error.message missing';
  if (!isObj(data) || typeof data.errorCode !== 'string') return 'error.data.errorCode missing';
  if (typeof data.httpStatus !== 'number') return 'error.data.httpStatus missing';
  if (data.httpStatus >= 500) return `5xx inside the answer (${data.httpStatus})`;
  if (httpStatus !== undefined && data.httpStatus !== httpStatus)
    return `httpStatus ${data.httpStatus} ≠ HTTP ${httpStatus}`;
  return undefined;
}

/** Everything wrong with one answer (empty when it is acceptable). */
export function judge(req: FuzzRequest, answer: Answer, repoRoot: string): string[] {
  if (answer.error) return [`no answer (${answer.error})`];
  const problems: string[] = [];
  const { status } = answer;
  if (status >= 500) problems.push(`HTTP ${status}`);
  if (leaksStack(answer.text, repoRoot)) problems.push('stack trace or source path in the body');
  if (req.method === 'HEAD' || status < 400) {
    if (req.surface === 'tRPC batched' && status < 400) {
      const body = parse(answer.text);
      if (!Array.isArray(body)) problems.push('batched answer is not an array');
      else
        for (const element of body)
          if (isObj(element) && 'error' in element) {
            const p = trpcErrorProblem(element);
            if (p) problems.push(`batch element: ${p}`);
          }
    }
    return problems;
  }
  const body = parse(answer.text);
  if (body === undefined) {
    if (req.htmlErrors && status < 500 && /^\s*<!doctype html>/i.test(answer.text)) return problems;
    return [...problems, 'error body is not JSON'];
  }
  let shape: string | undefined;
  if (req.surface.startsWith('REST')) shape = restShapeProblem(status, body);
  else if (Array.isArray(body)) shape = body.map((e) => trpcErrorProblem(e)).find(Boolean);
  // A body the parser refuses (malformed, too large, bad encoding) is answered before tRPC runs, in the
  // REST envelope — on /api/trpc too, as pipeline.int.test.ts asserts today.
  else
    shape =
      isObj(body) && isObj(body.error) && 'status' in body.error
        ? restShapeProblem(status, body)
        : trpcErrorProblem(body, status);
  if (shape && status < 500) problems.push(shape);
  return problems;
}

/** Node refuses request lines past its 16 KB header limit before the app sees them (431, no body). */
export const fitsUrl = (req: FuzzRequest) => req.url.length <= 12_000;

/** Runs `tasks` with at most `limit` in flight. */
export async function pool<T>(items: T[], limit: number, task: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await task(items[next++]!);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}
