export * from './reconciliation.rules.js';
export * from './get-reconciliation-report.js';
export * from './repair-reconciliation-drift.js';
