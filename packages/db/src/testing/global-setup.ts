import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import type { TestProject } from 'vitest/node';
import { runMigrations } from '../migrate.js';
import { startEmbeddedPostgres } from '../embedded.js';
import { withDatabase } from './url.js';
import './test-database.js';

/**
 * Integration tests always run on a real PostgreSQL: TEST_DATABASE_URL (an admin connection that may create
 * databases) when set, otherwise an embedded server started for this run. The schema is migrated once into
 * a template database; every test file clones it (CREATE DATABASE … TEMPLATE), so files run in parallel.
 */
export default async function setup(project: TestProject) {
  let adminUrl = process.env.TEST_DATABASE_URL;
  let stopEmbedded: (() => Promise<void>) | undefined;
  let tempDir: string | undefined;
  if (!adminUrl) {
    tempDir = await mkdtemp(join(tmpdir(), 'popbox-test-pg-'));
    const server = await startEmbeddedPostgres({ dataDir: tempDir });
    adminUrl = server.url;
    stopEmbedded = server.stop;
  }
  const runId = `${Date.now().toString(36)}${process.pid.toString(36)}`;
  const template = `popbox_tpl_${runId}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE "${template}"`);
  await runMigrations(withDatabase(adminUrl, template));
  project.provide('testDb', { adminUrl, template, runId });

  return async () => {
    const { rows } = await admin.query<{ datname: string }>(
      `SELECT datname FROM pg_database WHERE datname LIKE $1 OR datname = $2`,
      [`popbox_t_${runId}_%`, template],
    );
    for (const { datname } of rows) await admin.query(`DROP DATABASE IF EXISTS "${datname}" WITH (FORCE)`);
    await admin.end();
    await stopEmbedded?.();
    if (tempDir) await rm(tempDir, { recursive: true, force: true });
  };
}
