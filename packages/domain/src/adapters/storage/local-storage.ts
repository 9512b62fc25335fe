import { mkdir, rm, writeFile } from 'node:fs/promises';
import { dirname, resolve, sep } from 'node:path';
import { StorageError, type ObjectStorage } from '../../ports/storage.js';

/** Embedded default: files under a local folder, served by the API at `/media/*`. */
export function localStorage(opts: {
  dir: string;
  publicBaseUrl: string;
}): ObjectStorage & { readonly dir: string } {
  const root = resolve(opts.dir);
  const pathFor = (key: string) => {
    const full = resolve(root, key.replace(/^\/+/, ''));
    if (!full.startsWith(root + sep)) throw new StorageError(`Invalid storage key: ${key}`, 'failed');
    return full;
  };
  const publicBaseUrl = `${opts.publicBaseUrl.replace(/\/+$/, '')}/`;
  return {
    dir: root,
    publicBaseUrl,
    publicUrl: (key) => `${publicBaseUrl}${key.replace(/^\/+/, '')}`,
    async put(key, body) {
      const file = pathFor(key);
      await mkdir(dirname(file), { recursive: true });
      try {
        await writeFile(file, body, { flag: 'wx' });
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code;
        throw new StorageError(
          code === 'EEXIST' ? `Object already exists: ${key}` : `Upload failed: ${key}`,
          code === 'EEXIST' ? 'conflict' : 'failed',
          { cause: error },
        );
      }
    },
    async remove(keys) {
      for (const key of keys) await rm(pathFor(key), { force: true });
    },
  };
}
