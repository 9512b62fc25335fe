/**
 * `pnpm kuji:verify <fairness URL> [--line ln_… [--position N] [--prize <prize id>]]`: verifies a kuji board
 * from its public fairness document with the public verifier (@popbox/domain/kuji-verifier, the same code
 * the /kuji/{slug}/verify page runs in the browser) and prints a per-epoch and per-draw report.
 *
 * The URL is the REST document (…/api/v1/kuji/{slug}/fairness) or the verify page (…/kuji/{slug}/verify,
 * whose ?line=&position=&prize= also select a ticket). Exit code: 0 verified, 1 problems found, 2 usage,
 * network or document errors.
 */
import { parseArgs } from 'node:util';
import {
  verifyBoard,
  verifyTicket,
  type BoardVerification,
  type FairnessDocument,
  type TicketToVerify,
  type TicketVerification,
} from '@popbox/domain/kuji-verifier';

const USAGE = `usage: ./shop kuji:verify <fairness URL | verify page URL> [--line ln_… [--position N] [--prize <prize id>]]
  e.g. ./shop kuji:verify https://shop.example/api/v1/kuji/my-board/fairness --line ln_0123456789abcdef --position 7`;

class UsageError extends Error {}

/** The fairness document's URL, and a ticket named by a verify page link's query string. */
function fairnessUrl(input: string): {
  url: string;
  ticket: Partial<Record<'line' | 'position' | 'prize', string>>;
} {
  let url: URL;
  try {
    url = new URL(input);
  } catch {
    throw new UsageError(`not a URL: ${input}`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    throw new UsageError(`not an http(s) URL: ${input}`);
  const page = /^(.*)\/kuji\/([^/]+)\/verify\/?$/.exec(url.pathname);
  if (!page) return { url: url.href, ticket: {} };
  const ticket: Partial<Record<'line' | 'position' | 'prize', string>> = {};
  for (const key of ['line', 'position', 'prize'] as const) {
    const value = url.searchParams.get(key);
    if (value) ticket[key] = value;
  }
  return { url: new URL(`${page[1]}/api/v1/kuji/${page[2]}/fairness`, url.origin).href, ticket };
}

function range(positions: number[] | null): string {
  if (!positions || positions.length === 0) return '—';
  return positions.length === 1
    ? `position ${positions[0]}`
    : `positions ${positions[0]}–${positions.at(-1)}`;
}

function verdict(ok: boolean, okText: string, problems: string[]): string[] {
  if (ok) return [okText];
  return problems.length === 1
    ? [`problem: ${problems[0]}`]
    : [`${problems.length} problems:`, ...problems.map((p) => `  - ${p}`)];
}

function prizeLabel(doc: FairnessDocument, prizeId: string): string {
  for (const e of doc.epochs) {
    const m = e.manifest.find((c) => c.prizeId === prizeId);
    if (m) return `${m.code} (${prizeId})`;
  }
  return prizeId;
}

function report(doc: FairnessDocument, board: BoardVerification, ticket?: TicketVerification): string {
  const out: string[] = [];
  out.push(`Kuji board "${doc.name}" (${doc.slug}) — recipe ${doc.recipe?.version ?? '?'}`);
  out.push(
    `${doc.totalCards} cards: ${doc.dealtCards} dealt, ${doc.pendingCards} pending, ${doc.remainingCards} left`,
  );
  for (const c of doc.beacon.chains)
    out.push(
      `Beacon: ${c.label}, chain ${c.hash}, ${c.periodSeconds} s rounds, ` +
        `${doc.rounds.filter((r) => r.chainHash === c.hash).length} rounds in the document`,
    );

  out.push('', 'Epochs');
  const epochs = new Map(doc.epochs.map((e) => [e.epoch, e]));
  for (const v of board.epochs) {
    const e = epochs.get(v.epoch);
    const head =
      `  epoch ${v.epoch}  ${v.recipeVersion}  ` +
      (e
        ? `${e.cardCount} cards (positions ${e.firstPosition}–${e.firstPosition + e.cardCount - 1})  `
        : '') +
      `commitment ${e?.commitment ?? '?'}  ` +
      (v.revealed
        ? `seed revealed${e?.revealReason ? ` (${e.revealReason})` : ''}`
        : 'seed not revealed yet');
    const lines = verdict(v.ok, v.revealed ? 'verified' : 'ok so far', v.problems);
    out.push(`${head}  ${lines[0]}`, ...lines.slice(1).map((p) => `    ${p}`));
  }

  out.push('', 'Draws');
  if (board.lines.length === 0) out.push('  no draw yet');
  const statusText = {
    pending: 'pending (waiting for its beacon round)',
    dealt: 'dealt (prizes checkable once the seed is revealed)',
    verified: 'verified',
  };
  for (const l of board.lines) {
    const head = `  ${l.lineRef}  epoch ${l.epoch}  round ${l.targetRound ?? '—'}  ${l.ticketCount} ticket${l.ticketCount === 1 ? '' : 's'}  ${range(l.positions)}`;
    if (l.ok) out.push(`${head}  ${statusText[l.status]}`);
    else {
      const lines = verdict(false, '', l.problems);
      out.push(`${head}  ${l.status}, ${lines[0]}`, ...lines.slice(1).map((p) => `    ${p}`));
    }
  }

  out.push('');
  const lo = doc.lastOne;
  out.push(
    !lo
      ? 'Last One: none on this board'
      : lo.awarded && lo.lineRef
        ? `Last One: ${lo.prizeCode} — ${lo.name}: won by line ${lo.lineRef}`
        : `Last One: ${lo.prizeCode} — ${lo.name}: not awarded yet`,
  );

  if (ticket) {
    const where =
      ticket.position === null
        ? `line ${ticket.lineRef}`
        : `position ${ticket.position} of line ${ticket.lineRef}`;
    out.push('', `Ticket: ${where}`);
    if (!ticket.ok) out.push(...verdict(false, '', ticket.problems).map((p) => `  ${p}`));
    else if (ticket.status === 'pending') out.push('  ok so far: waiting for its beacon round');
    else if (!ticket.revealed || !ticket.expectedPrizeId)
      out.push(
        "  verified so far: dealt as published; its prize can be checked once the epoch's seed is revealed",
      );
    else out.push(`  verified: the replay deals ${prizeLabel(doc, ticket.expectedPrizeId)} at this position`);
  }

  const problems = [
    ...board.problems,
    ...(ticket && !ticket.ok ? ticket.problems.filter((p) => !board.problems.includes(p)) : []),
  ];
  out.push('');
  if (problems.length === 0) {
    const pending = board.lines.filter((l) => l.status === 'pending').length;
    const unrevealed = board.epochs.filter((e) => !e.revealed).length;
    out.push(
      pending || unrevealed
        ? `RESULT: verified so far (${[pending ? `${pending} draws pending` : '', unrevealed ? `${unrevealed} epoch${unrevealed === 1 ? '' : 's'} not revealed yet` : ''].filter(Boolean).join(', ')})`
        : 'RESULT: verified — every epoch and every draw checks out',
    );
  } else {
    out.push(
      `RESULT: ${problems.length} problem${problems.length === 1 ? '' : 's'}`,
      ...problems.map((p) => `  - ${p}`),
    );
  }
  return out.join('\n');
}

function looksLikeFairness(doc: unknown): doc is FairnessDocument {
  const d = doc as Partial<FairnessDocument> | null;
  return (
    !!d &&
    typeof d === 'object' &&
    Array.isArray(d.epochs) &&
    Array.isArray(d.log) &&
    Array.isArray(d.rounds) &&
    Array.isArray(d.beacon?.chains)
  );
}

async function main(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      line: { type: 'string' },
      position: { type: 'string' },
      prize: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  if (positionals.length !== 1) throw new UsageError('give exactly one URL');
  const { url, ticket: fromPage } = fairnessUrl(positionals[0]!);
  const line = values.line ?? fromPage.line;
  const positionText = values.position ?? fromPage.position;
  const prize = values.prize ?? fromPage.prize;
  if ((positionText || prize) && !line) throw new UsageError('--position and --prize need --line');
  if (positionText !== undefined && !/^\d+$/.test(positionText))
    throw new UsageError(`--position must be a whole number, not ${positionText}`);

  let doc: unknown;
  try {
    const res = await fetch(url, {
      headers: { accept: 'application/json' },
      signal: AbortSignal.timeout(30_000),
    });
    if (!res.ok) {
      console.error(`kuji:verify: ${url} answered HTTP ${res.status}`);
      return 2;
    }
    doc = await res.json();
  } catch (error) {
    console.error(
      `kuji:verify: cannot fetch ${url}: ${error instanceof Error ? error.message : String(error)}`,
    );
    return 2;
  }
  if (!looksLikeFairness(doc)) {
    console.error(`kuji:verify: ${url} is not a kuji fairness document`);
    return 2;
  }
  const board = await verifyBoard(doc);
  let ticket: TicketVerification | undefined;
  if (line) {
    const toVerify: TicketToVerify = {
      lineRef: line,
      position: positionText === undefined ? null : Number(positionText),
      prizeId: prize ?? null,
    };
    ticket = await verifyTicket(doc, toVerify);
  }
  console.log(`Verifying ${url}\n`);
  console.log(report(doc, board, ticket));
  return board.ok && (ticket?.ok ?? true) ? 0 : 1;
}

main(process.argv.slice(2)).then(
  (code) => (process.exitCode = code),
  (error: unknown) => {
    const usage =
      error instanceof UsageError || (error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS');
    console.error(`kuji:verify: ${error instanceof Error ? error.message : String(error)}`);
    if (usage) console.error(USAGE);
    process.exitCode = 2;
  },
);
