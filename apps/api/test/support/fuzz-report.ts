import { appendFile, mkdir, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { Writable } from 'node:stream';
import {
  describeRequest,
  isObj,
  parse,
  preview,
  SURFACES,
  type Answer,
  type FuzzRequest,
  type Surface,
} from './fuzz-run.js';

/** The fuzz run's record: counts per surface and status class, failures, and failure kinds (issue 11). */

export interface Failure {
  surface: Surface;
  operation: string;
  tag: string;
  problem: string;
  status: number;
  errorCode?: string;
  /** What the server logged for this request id (the real error behind a generic 500). */
  cause?: string;
  request: string;
  response: string;
}

/** The error code and request id of an error body (of its first 5xx element for a batch). */
function errorOf(body: unknown): { code?: string; requestId?: string } {
  const pick = (v: unknown) => {
    if (!isObj(v) || !isObj(v.error)) return undefined;
    const e = v.error;
    const data = isObj(e.data) ? e.data : {};
    const code =
      typeof e.code === 'string' ? e.code : typeof data.errorCode === 'string' ? data.errorCode : undefined;
    const id =
      typeof e.requestId === 'string'
        ? e.requestId
        : typeof data.requestId === 'string'
          ? data.requestId
          : undefined;
    const status =
      typeof e.status === 'number' ? e.status : typeof data.httpStatus === 'number' ? data.httpStatus : 0;
    return { ...(code ? { code } : {}), ...(id ? { requestId: id } : {}), status };
  };
  if (Array.isArray(body)) {
    const errors = body.map(pick).filter((e) => e !== undefined);
    return errors.find((e) => e.status >= 500) ?? errors[0] ?? {};
  }
  return pick(body) ?? {};
}

/**
 * A log message without its values, so one cause is one kind. A failed query is logged as
 * "Failed query: <sql>\nparams: <values>: <PostgreSQL's message>": only the database's message is kept.
 */
const normalise = (message: string) =>
  message
    .replace(/^(\w+: )Failed query: [\s\S]*\nparams: [^\n]*?: (?=[a-z])/, '$1database: ')
    .replace(/"[^"]*"/g, '"…"')
    .replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi, '<uuid>')
    .replace(/\d+/g, 'N')
    .slice(0, 160);

type ClassCounts = Record<'2xx' | '3xx' | '4xx' | '5xx' | 'no answer', number>;
const emptyCounts = (): ClassCounts => ({ '2xx': 0, '3xx': 0, '4xx': 0, '5xx': 0, 'no answer': 0 });

/** Counts per surface and status class, and every failure (with the request that caused it). */
export class Recorder {
  readonly counts = Object.fromEntries(SURFACES.map((s) => [s, emptyCounts()])) as Record<
    Surface,
    ClassCounts
  >;
  readonly statuses = Object.fromEntries(SURFACES.map((s) => [s, {}])) as Record<
    Surface,
    Record<string, number>
  >;
  readonly failures: Failure[] = [];
  /** request id → the error the server logged for it. */
  private readonly causes = new Map<string, string>();

  /** The innermost cause of a logged error, with its code (a DrizzleQueryError wraps PostgreSQL's). */
  static serializeError(error: unknown): { type: string; message: string; code?: string } {
    let e = error as { name?: string; message?: string; code?: unknown; cause?: unknown };
    while (e?.cause && typeof e.cause === 'object') e = e.cause as typeof e;
    return {
      type: e?.name ?? 'Error',
      message: String(e?.message ?? e),
      ...(typeof e?.code === 'string' ? { code: e.code } : {}),
    };
  }

  /** A destination for the app's pino logger: error lines are kept by request id. */
  logSink(): Writable {
    return new Writable({
      write: (chunk: Buffer, _encoding, done) => {
        for (const line of chunk.toString('utf8').split('\n')) {
          if (!line) continue;
          if (process.env.FUZZ_LOG) void appendFile(process.env.FUZZ_LOG, `${line}\n`);
          try {
            type LoggedError = { type?: string; message?: string; code?: string };
            const entry = JSON.parse(line) as { reqId?: unknown; requestId?: unknown; err?: LoggedError };
            const id = String(entry.reqId ?? entry.requestId ?? '');
            if (id && entry.err && !this.causes.has(id)) {
              const err = entry.err;
              this.causes.set(
                id,
                normalise(`${err.type ?? 'Error'}${err.code ? ` ${err.code}` : ''}: ${err.message ?? ''}`),
              );
            }
          } catch {
            // not a JSON line
          }
        }
        done();
      },
    });
  }

  record(req: FuzzRequest, answer: Answer, problems: string[]): void {
    const cls = answer.error ? 'no answer' : (`${Math.floor(answer.status / 100)}xx` as keyof ClassCounts);
    this.counts[req.surface][cls in this.counts[req.surface] ? cls : 'no answer']++;
    const key = String(answer.status);
    this.statuses[req.surface][key] = (this.statuses[req.surface][key] ?? 0) + 1;
    if (!problems.length) return;
    const { code, requestId } = errorOf(parse(answer.text));
    const cause = requestId ? this.causes.get(requestId) : undefined;
    for (const problem of problems) {
      this.failures.push({
        surface: req.surface,
        operation: req.operation,
        tag: req.tag,
        problem,
        status: answer.status,
        ...(code ? { errorCode: code } : {}),
        ...(cause ? { cause } : {}),
        request: describeRequest(req),
        response: preview(answer.error ?? answer.text, 300),
      });
    }
  }

  fail(surface: Surface, operation: string, problem: string, detail: string): void {
    this.failures.push({ surface, operation, tag: '-', problem, status: 0, request: detail, response: '' });
  }

  /**
   * Failures grouped into kinds: a 5xx by the error the server logged for it, anything else by the problem
   * and the error code. `inputs` lists what was hostile in the kind's requests, most frequent first; each
   * kind keeps its shortest request as the reproduction.
   */
  kinds(surfaces?: Surface[]) {
    type Group = {
      kind: string;
      count: number;
      operations: Set<string>;
      inputs: Map<string, number>;
      repro: Failure;
    };
    const groups = new Map<string, Group>();
    const failures = this.failures.filter((f) => !surfaces || surfaces.includes(f.surface));
    const tagKindsOf = (f: Failure) =>
      [...new Set(f.tag.split(' + ').flatMap((t) => t.split('@')[0]!.split('+')))].sort();
    const is5xx = (f: Failure) => /^HTTP 5|5xx inside/.test(f.problem);
    // A 500 whose error was not logged has no cause to group by: it is put with the kind of hostile input
    // that fails on its own (a request with only a prototype key, only deep nesting, …).
    const alone = new Map<string, number>();
    for (const f of failures) {
      const kinds = tagKindsOf(f);
      if (is5xx(f) && !f.cause && kinds.length === 1) alone.set(kinds[0]!, (alone.get(kinds[0]!) ?? 0) + 1);
    }
    for (const f of failures) {
      const family = f.surface.split(' ')[0];
      const tagKinds = new Set(tagKindsOf(f));
      const suspects = [...tagKinds].filter((t) => alone.has(t));
      const suspect = suspects.length
        ? suspects.reduce((a, b) => (alone.get(b)! > alone.get(a)! ? b : a))
        : [...tagKinds].join('+');
      const kind = is5xx(f)
        ? `${family} 5xx ← ${f.cause ?? `error not logged (access line only) [${f.errorCode ?? f.status}], input: ${suspect}`}`
        : `${family} ${f.problem} [${f.errorCode ?? f.status}]`;
      const g = groups.get(kind);
      const operation = `${f.surface}: ${f.operation}`;
      const group = g ?? {
        kind,
        count: 0,
        operations: new Set<string>(),
        inputs: new Map<string, number>(),
        repro: f,
      };
      groups.set(kind, group);
      group.count++;
      group.operations.add(operation);
      for (const t of tagKinds) group.inputs.set(t, (group.inputs.get(t) ?? 0) + 1);
      if (f.request.length < group.repro.request.length) group.repro = f;
    }
    return [...groups.values()]
      .sort((a, b) => b.count - a.count)
      .map((g) => ({
        ...g,
        // What was hostile in these requests, most frequent first: "nul 100%, wrong-type 20%".
        inputs: [...g.inputs]
          .sort((a, b) => b[1] - a[1])
          .slice(0, 5)
          .map(([t, n]) => `${t} ${Math.round((100 * n) / g.count)}%`),
      }));
  }

  report(surfaces?: Surface[], max = 40): string {
    const kinds = this.kinds(surfaces);
    const lines = kinds.slice(0, max).map((k) => {
      const ops = [...k.operations];
      return [
        `• ${k.kind} — ${k.count}× in ${ops.length} operation(s): ${ops.slice(0, 6).join(', ')}${ops.length > 6 ? ', …' : ''}`,
        `    hostile inputs: ${k.inputs.join(', ')}`,
        `    repro: ${k.repro.request}`,
        `    answer: ${k.repro.status} ${k.repro.response.slice(0, 200)}`,
      ].join('\n');
    });
    if (kinds.length > max) lines.push(`… and ${kinds.length - max} more kinds (see .data/fuzz/latest.json)`);
    return lines.join('\n');
  }

  summaryTable(): string {
    const rows = SURFACES.map((s) => {
      const c = this.counts[s];
      const total = Object.values(c).reduce((a, b) => a + b, 0);
      return `${s.padEnd(15)} total ${String(total).padStart(6)}  2xx ${c['2xx']}  3xx ${c['3xx']}  4xx ${c['4xx']}  5xx ${c['5xx']}  no answer ${c['no answer']}`;
    });
    return rows.join('\n');
  }

  async write(file: string, meta: Record<string, unknown>): Promise<void> {
    await mkdir(dirname(file), { recursive: true });
    const kinds = this.kinds().map((k) => ({ ...k, operations: [...k.operations] }));
    const data = {
      ...meta,
      counts: this.counts,
      statuses: this.statuses,
      failureKinds: kinds,
      failures: this.failures.slice(0, 2_000),
    };
    await writeFile(file, `${JSON.stringify(data, null, 2)}\n`);
  }
}
