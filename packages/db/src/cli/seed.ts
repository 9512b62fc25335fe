import { existsSync } from 'node:fs';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { createDb } from '../client.js';
import { seedDemo } from '../seed.js';

const url = process.env.DATABASE_URL;
if (!url) {
  console.error('DATABASE_URL is required');
  process.exit(1);
}

/** The monorepo root: the nearest ancestor holding pnpm-workspace.yaml. */
function repoRoot(from: string): string {
  for (let dir = from; ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'pnpm-workspace.yaml'))) return dir;
    if (dirname(dir) === dir) return from;
  }
}

const root = repoRoot(process.cwd());
const storage = process.env.STORAGE_DIR ?? '.data/storage';
const storageDir = isAbsolute(storage) ? storage : resolve(root, storage);

const database = createDb(url, { max: 2, applicationName: 'popbox-seed' });
try {
  const result = await seedDemo(database.db, { storageDir });
  console.log(
    result.seeded
      ? `seeded ${result.products} products and ${result.images} images (storage: ${storageDir})`
      : 'already seeded, nothing to do',
  );
} catch (error) {
  console.error('seed failed:', error);
  process.exitCode = 1;
} finally {
  await database.close();
}
