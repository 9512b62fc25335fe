import { ConfigError, loadConfig } from './config.js';

/**
 * `node dist/check-config.js`: validates the API's configuration and exits (0: valid, 1: every problem
 * printed). `pnpm start` runs it for each app before starting either, so both lists are always printed.
 */
try {
  loadConfig();
} catch (error) {
  if (!(error instanceof ConfigError)) throw error;
  console.error(error.message);
  process.exitCode = 1;
}
