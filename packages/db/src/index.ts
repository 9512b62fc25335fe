export * as schema from './schema/index.js';
export * from './schema/index.js';
export {
  createDb,
  type CreateDbOptions,
  type Database,
  type Db,
  type Executor,
  type Schema,
  type Tx,
} from './client.js';
export {
  isCheckViolation,
  isDatabaseUnavailable,
  isForeignKeyViolation,
  isLockNotAvailable,
  isLostPreparedStatement,
  isStalePreparedPlan,
  isUniqueViolation,
  pgError,
  type PgErrorInfo,
} from './errors.js';
export { executeRows, usePreparedStatements, type PreparedStatementsSetting } from './statements.js';
export { listenForNotifications, type ListenOptions, type NotificationListener } from './listen.js';
export { migrationStatus, runMigrations, type MigrationStatus } from './migrate.js';
export { seedDemo, type SeedOptions, type SeedResult } from './seed.js';
export { ADMIN_USER as SEEDED_ADMIN_USER } from './seed/content-data.js';
