import { sql } from 'drizzle-orm';
import type { Deps } from '../shared/deps.js';
import { rows } from '../shared/sql.js';
import { lockKujiBoard } from './board.queries.js';
import { syncKujiBoard } from './epochs.js';
import { publiclyVisibleAt } from '../catalog/sale-window.queries.js';

/**
 * Boot step of both apps (issue 12): every board on sale without an open `popbox-kuji-v2` epoch — seeded or
 * imported rows, or a legacy v1 deck — gets one now, its commitment published before anything is sold.
 * Issue 13: also the jobs app's `commit-kuji-boards` job, every minute, so a hidden drop's board publishes
 * its commitment at its start even when nobody buys; hidden boards before their start are skipped (they are
 * not on sale yet, syncKujiBoard would open nothing).
 * Boards that sold out or have nothing to sell are left as they are. Idempotent and safe to run from
 * several processes at once (each board is synced under its lock). Returns the boards that were committed.
 */
export async function commitKujiBoards(deps: Pick<Deps, 'db' | 'clock' | 'random' | 'beacon' | 'logger'>) {
  const candidates = await rows<{ id: string }>(
    deps.db,
    sql`select p.id from products p
          left join kuji_decks d on d.product_id = p.id
          left join kuji_deck_epochs e on e.product_id = p.id and e.epoch = d.current_epoch
         where p.product_type = 'kuji' and ${publiclyVisibleAt(deps.clock.now())}
           and (e.id is null or e.revealed_at is not null or e.recipe_version <> 'popbox-kuji-v2')
         order by p.id`,
  );
  let committed = 0;
  for (const { id } of candidates) {
    try {
      const opened = await deps.db.transaction(async (tx) => {
        await lockKujiBoard(tx, id);
        const before = await rows<{ n: number }>(
          tx,
          sql`select count(*)::int as n from kuji_deck_epochs where product_id = ${id}`,
        );
        await syncKujiBoard(tx, deps, id);
        const after = await rows<{ n: number }>(
          tx,
          sql`select count(*)::int as n from kuji_deck_epochs where product_id = ${id}`,
        );
        return after[0]!.n > before[0]!.n;
      });
      if (opened) committed += 1;
    } catch (error) {
      // A sold-out board or one with draws still pending stays as it is; the next boot tries again.
      deps.logger.warn({ err: error, productId: id }, 'could not open a kuji epoch at boot');
    }
  }
  return { committed };
}
