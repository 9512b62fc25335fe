import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { resolve } from 'node:path';
import type { FairnessDocument } from '@popbox/domain/kuji-verifier';
import { startTestApp, type TestApp } from './support/test-app.js';
import { json } from './support/http.js';
import { sellKujiBoard, type SoldTicket } from './support/kuji-board.js';

/** `pnpm kuji:verify` against a board sold out through checkout, the simulator and the local beacon. */
const root = resolve(import.meta.dirname, '../../..');

function kujiVerify(...args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((done, fail) => {
    const child = spawn(
      process.execPath,
      ['--conditions=development', '--import', 'tsx', 'scripts/kuji-verify.ts', ...args],
      { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', fail);
    child.on('close', (code) => done({ code, stdout, stderr }));
  });
}

/** A tiny server answering one (tampered) document, as a hostile mirror of the shop would. */
async function serve(body: unknown): Promise<{ url: string; close(): Promise<void> }> {
  const server: Server = createServer((_req, res) => {
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify(body));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/api/v1/kuji/tampered/fairness`,
    close: () => new Promise((r) => server.close(() => r())),
  };
}

let app: TestApp;
let slug: string;
let tickets: SoldTicket[];
let doc: FairnessDocument;
beforeAll(async () => {
  app = await startTestApp();
  ({ slug, tickets } = await sellKujiBoard(app));
  doc = (await json(await fetch(`${app.url}/api/v1/kuji/${slug}/fairness`))) as unknown as FairnessDocument;
});
afterAll(() => app?.close());

describe('pnpm kuji:verify', () => {
  it('verifies a sold-out board from its fairness URL: every epoch, every draw, the Last One', async () => {
    const { code, stdout } = await kujiVerify(`${app.url}/api/v1/kuji/${slug}/fairness`);
    expect(code).toBe(0);
    expect(stdout).toMatch(
      /epoch 1 {2}popbox-kuji-v2 {2}12 cards \(positions 1–12\).*seed revealed \(sold_out\) {2}verified/,
    );
    const lines = [...new Set(tickets.map((t) => t.lineRef))];
    expect(lines).toHaveLength(3);
    for (const line of lines)
      expect(stdout).toMatch(new RegExp(`^  ${line} .* positions \\d+–\\d+  verified$`, 'm'));
    const final = tickets.find((t) => t.position === 12)!;
    expect(stdout).toContain(`Last One: LO — Last One: big plush: won by line ${final.lineRef}`);
    expect(stdout).toContain('RESULT: verified — every epoch and every draw checks out');
  });

  it("takes the verify page's URL and the ticket of its query string, and checks the ticket's prize", async () => {
    const t = tickets[4]!;
    const page = `${app.url}/kuji/${slug}/verify?line=${t.lineRef}&position=${t.position}&prize=${t.prizeId}`;
    const { code, stdout } = await kujiVerify(page);
    expect(code).toBe(0);
    expect(stdout).toContain(`Verifying ${app.url}/api/v1/kuji/${slug}/fairness`);
    expect(stdout).toContain(`Ticket: position ${t.position} of line ${t.lineRef}`);
    expect(stdout).toMatch(
      new RegExp(`verified: the replay deals [A-Z0-9]+ \\(${t.prizeId}\\) at this position`),
    );
  });

  it('exits 1 naming the problem when a ticket claims another prize than the replay deals', async () => {
    const t = tickets[0]!;
    const other = doc.epochs[0]!.manifest.find((m) => m.prizeId !== t.prizeId)!.prizeId;
    const { code, stdout } = await kujiVerify(
      `${app.url}/api/v1/kuji/${slug}/fairness`,
      '--line',
      t.lineRef,
      '--position',
      String(t.position),
      '--prize',
      other,
    );
    expect(code).toBe(1);
    expect(stdout).toContain(`position ${t.position} should hold prize ${t.prizeId}, not ${other}`);
    expect(stdout).toContain('RESULT: 1 problem');
  });

  it('exits 1 naming the problem when a served document was tampered with', async () => {
    // A card a buyer holds is swapped for another prize in the published record.
    const tampered = structuredClone(doc);
    // Lines in deal order (positions), not log order: the deal order within a round comes from the beacon.
    const dealt = tampered.log
      .filter((e) => e.kind === 'draw')
      .sort((a, b) => (a.firstPosition ?? 0) - (b.firstPosition ?? 0));
    const entry = dealt[0]!;
    const card = entry.cards![0]!;
    const swapped = tampered.epochs[0]!.manifest.find((m) => m.prizeId !== card.prizeId)!;
    card.prizeId = swapped.prizeId;
    card.prizeCode = swapped.code;
    // And the last dealt line's ticket count is rewritten: its log entry no longer matches its hash.
    const later = dealt[dealt.length - 1]!;
    later.ticketCount += 1;
    const mirror = await serve(tampered);
    try {
      const { code, stdout } = await kujiVerify(mirror.url);
      expect(code).toBe(1);
      expect(stdout).toMatch(
        new RegExp(
          `${entry.lineRef} .*problem: line ${entry.lineRef}: position ${card.position} holds ${swapped.code} .* but the replay deals`,
        ),
      );
      expect(stdout).toContain(
        `log entry ${later.seq} (draw ${later.lineRef}): its entry hash does not match its contents`,
      );
      expect(stdout).toMatch(/RESULT: \d+ problems/);
    } finally {
      await mirror.close();
    }
  });

  it('says "verified so far" while the open epoch keeps its seed secret, for the board and a ticket', async () => {
    const open = await sellKujiBoard(app, [2]);
    const t = open.tickets[1]!;
    const { code, stdout } = await kujiVerify(
      `${app.url}/kuji/${open.slug}/verify?line=${t.lineRef}&position=${t.position}`,
    );
    expect(code).toBe(0);
    expect(stdout).toContain('seed not revealed yet  ok so far');
    expect(stdout).toMatch(
      new RegExp(
        `^  ${t.lineRef} .* positions 1–2  dealt \\(prizes checkable once the seed is revealed\\)$`,
        'm',
      ),
    );
    expect(stdout).toContain(
      "verified so far: dealt as published; its prize can be checked once the epoch's seed is revealed",
    );
    expect(stdout).toContain('RESULT: verified so far (1 epoch not revealed yet)');
  });

  it('exits 2 on usage and network errors', async () => {
    const none = await kujiVerify();
    expect(none.code).toBe(2);
    expect(none.stderr).toContain('usage: ./shop kuji:verify');
    const unknown = await kujiVerify(`${app.url}/kuji/no-such-board/verify`);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('answered HTTP 404');
    const notFairness = await kujiVerify(`${app.url}/health`);
    expect(notFairness.code).toBe(2);
  });
});
