/**
 * The script of GET /kuji/{slug}/verify, bundled with the public verifier for the browser (bundle.ts). It
 * fetches the board's fairness document, runs `verifyBoard` (and `verifyTicket` for the ticket form) and
 * writes the results into the page. Every value goes in through textContent: nothing is parsed as HTML.
 */
import {
  verifyBoard,
  verifyTicket,
  type BoardVerification,
  type FairnessDocument,
  type LineVerification,
} from '@popbox/domain/kuji-verifier';

// For anyone who wants to check further from the browser console.
Object.assign(globalThis, { popboxKujiVerifier: { verifyBoard, verifyTicket } });

type Child = Node | string | null;

function el(tag: string, attrs: Record<string, string> = {}, ...children: Child[]): HTMLElement {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, v);
  for (const c of children) if (c !== null) node.append(c);
  return node;
}

const byId = (id: string) => document.getElementById(id)!;

function setVerdict(node: HTMLElement, kind: 'ok' | 'bad' | 'wait', text: string, problems: string[] = []) {
  node.className = `verdict ${kind}`;
  node.dataset.ok = kind === 'ok' ? 'true' : kind === 'bad' ? 'false' : '';
  node.hidden = false;
  node.replaceChildren(text);
  if (problems.length) node.append(el('ul', { class: 'problems' }, ...problems.map((p) => el('li', {}, p))));
}

/** "verified" / "problem: …" cells. */
function resultCell(ok: boolean, okText: string, problems: string[], waiting = false): HTMLElement {
  if (!ok)
    return el(
      'td',
      { class: 'bad', 'data-ok': 'false' },
      problems.length === 1 ? `problem: ${problems[0]}` : `${problems.length} problems:`,
      problems.length > 1 ? el('ul', { class: 'problems' }, ...problems.map((p) => el('li', {}, p))) : null,
    );
  return el('td', { class: waiting ? 'wait' : 'ok', 'data-ok': 'true' }, okText);
}

function range(positions: number[] | null): string {
  if (!positions || positions.length === 0) return '—';
  return positions.length === 1 ? String(positions[0]) : `${positions[0]}–${positions.at(-1)}`;
}

const LINE_STATUS: Record<LineVerification['status'], string> = {
  pending: 'pending (waiting for its beacon round)',
  dealt: 'dealt (prizes checkable once the seed is revealed)',
  verified: 'verified',
};

function render(doc: FairnessDocument, result: BoardVerification) {
  const pending = result.lines.filter((l) => l.status === 'pending').length;
  const unrevealed = result.epochs.filter((e) => !e.revealed).length;
  if (result.ok) {
    const caveats = [
      pending ? `${pending} draw${pending === 1 ? ' is' : 's are'} waiting for a beacon round` : '',
      unrevealed
        ? `prizes of ${unrevealed === 1 ? 'the open epoch' : `${unrevealed} epochs`} can be checked once the seed is revealed`
        : '',
    ].filter(Boolean);
    setVerdict(
      byId('verdict'),
      'ok',
      caveats.length
        ? `Verified so far: everything published checks out (${caveats.join('; ')}).`
        : 'Verified: every epoch and every draw of this board checks out.',
    );
  } else {
    setVerdict(
      byId('verdict'),
      'bad',
      `Problem: ${result.problems.length === 1 ? 'the verifier found 1 problem' : `the verifier found ${result.problems.length} problems`}.`,
      result.problems,
    );
  }
  byId('facts').textContent =
    `${doc.totalCards} cards: ${doc.dealtCards} dealt, ${doc.pendingCards} pending, ${doc.remainingCards} left · ` +
    `recipe ${doc.recipe.version} · ${doc.log.length} log entries`;

  const epochs = new Map(doc.epochs.map((e) => [e.epoch, e]));
  byId('epochs')
    .querySelector('tbody')!
    .replaceChildren(
      ...result.epochs.map((v) => {
        const e = epochs.get(v.epoch);
        const last = e ? e.firstPosition + e.cardCount - 1 : null;
        return el(
          'tr',
          { 'data-epoch': String(v.epoch), 'data-ok': String(v.ok) },
          el('td', {}, `${v.epoch}`, el('br'), el('span', { class: 'note' }, v.recipeVersion)),
          el('td', {}, e ? `${e.cardCount} (positions ${e.firstPosition}–${last})` : '—'),
          el('td', { class: 'mono' }, e?.commitment ?? '—'),
          el(
            'td',
            { class: 'mono' },
            e?.seedHex
              ? `${e.seedHex} (revealed${e.revealReason ? `: ${e.revealReason.replace('_', ' ')}` : ''})`
              : 'secret until the epoch sells out or closes',
          ),
          resultCell(
            v.ok,
            v.revealed ? 'verified' : 'ok so far (seed not revealed yet)',
            v.problems,
            !v.revealed,
          ),
        );
      }),
    );

  byId('lines')
    .querySelector('tbody')!
    .replaceChildren(
      ...(result.lines.length
        ? result.lines.map((l) =>
            el(
              'tr',
              { 'data-line': l.lineRef, 'data-status': l.status, 'data-ok': String(l.ok) },
              el('td', { class: 'mono' }, l.lineRef),
              el('td', {}, l.targetRound === null ? '—' : String(l.targetRound)),
              el('td', {}, String(l.ticketCount)),
              el('td', {}, range(l.positions)),
              el('td', {}, LINE_STATUS[l.status]),
              resultCell(
                l.ok,
                l.status === 'verified' ? 'verified' : 'ok so far',
                l.problems,
                l.status !== 'verified',
              ),
            ),
          )
        : [el('tr', {}, el('td', { colspan: '6' }, 'No draw yet.'))]),
    );

  const lastOne = doc.lastOne;
  byId('last-one').textContent = !lastOne
    ? 'This board has no Last One prize.'
    : lastOne.awarded && lastOne.lineRef
      ? `${lastOne.prizeCode} — ${lastOne.name}: won by line ${lastOne.lineRef}, which took the final card.`
      : `${lastOne.prizeCode} — ${lastOne.name}: not awarded yet; it goes to the line that takes the final card.`;

  byId('chains')
    .querySelector('tbody')!
    .replaceChildren(
      ...doc.beacon.chains.map((c) =>
        el(
          'tr',
          {},
          el('td', {}, c.label),
          el('td', { class: 'mono' }, c.hash),
          el('td', {}, `${c.periodSeconds} s`),
          el('td', {}, String(doc.rounds.filter((r) => r.chainHash === c.hash).length)),
        ),
      ),
    );
}

function prizeName(doc: FairnessDocument, prizeId: string | null): string {
  if (!prizeId) return '';
  for (const e of doc.epochs) {
    const m = e.manifest.find((c) => c.prizeId === prizeId);
    if (m) return `${m.code} (${prizeId})`;
  }
  return prizeId;
}

async function checkTicket(doc: FairnessDocument, form: HTMLFormElement) {
  const data = new FormData(form);
  const lineRef = String(data.get('line') ?? '').trim();
  if (!lineRef) return;
  const positionText = String(data.get('position') ?? '').trim();
  const prizeId = String(data.get('prize') ?? '').trim() || null;
  const box = byId('ticket-verdict');
  if (positionText && !/^\d+$/.test(positionText))
    return setVerdict(box, 'bad', 'Problem: the position must be a whole number.');
  const position = positionText ? Number(positionText) : null;
  const v = await verifyTicket(doc, { lineRef, position, prizeId });
  const where = position === null ? `Line ${lineRef}` : `Position ${position} of line ${lineRef}`;
  if (!v.ok) return setVerdict(box, 'bad', `Problem: ${where} does not verify.`, v.problems);
  if (v.status === 'pending')
    return setVerdict(
      box,
      'wait',
      `${where} is in the draw log and waits for its beacon round; check again soon.`,
    );
  if (!v.revealed || !v.expectedPrizeId)
    return setVerdict(
      box,
      'ok',
      `Verified so far: ${where} is in the draw log and was dealt as published; its prize can be checked once the epoch's seed is revealed.`,
    );
  setVerdict(
    box,
    'ok',
    prizeId
      ? `Verified: ${where} holds ${prizeName(doc, v.expectedPrizeId)}, exactly as the replay of the draw deals it.`
      : `Verified: the replay of the draw puts ${prizeName(doc, v.expectedPrizeId)} at ${where.toLowerCase()}.`,
  );
}

async function main() {
  const root = byId('verify');
  const slug = root.dataset.slug ?? '';
  const verdict = byId('verdict');
  if (!globalThis.crypto?.subtle)
    return setVerdict(verdict, 'bad', 'This browser cannot verify here: Web Crypto needs an https:// page.');
  let doc: FairnessDocument;
  try {
    const res = await fetch(`/api/v1/kuji/${encodeURIComponent(slug)}/fairness`, {
      headers: { accept: 'application/json' },
    });
    if (!res.ok) throw new Error(`HTTP ${res.status}`);
    doc = (await res.json()) as FairnessDocument;
  } catch (error) {
    return setVerdict(verdict, 'bad', `Could not load the fairness document (${String(error)}).`);
  }
  try {
    render(doc, await verifyBoard(doc));
    await checkTicket(doc, byId('ticket-form') as HTMLFormElement);
  } catch (error) {
    setVerdict(verdict, 'bad', `Problem: the document could not be verified (${String(error)}).`);
  }
}

if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', () => void main());
else void main();
