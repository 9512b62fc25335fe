import { commitKujiBoards } from '@popbox/domain';
import type { JobModule } from '../registry.js';

/**
 * Issue 13: a hidden drop's kuji board publishes its commitment at its start. Nothing could be bought
 * before, and the first checkout after the start opens the epoch itself under the board lock, so this sweep
 * only makes the commitment public within a minute of the start for boards nobody has bought yet.
 */
export const commitKujiBoardsJob: JobModule = {
  name: 'commit-kuji-boards',
  handler: (deps) => commitKujiBoards(deps),
};
