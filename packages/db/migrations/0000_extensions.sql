-- Custom migration: extensions must exist before any table or index uses them.
-- pgcrypto: required by the spec (gen_random_uuid() itself is core since PostgreSQL 13).
-- pg_trgm: gin_trgm_ops index on products.name and similarity() in search.
CREATE EXTENSION IF NOT EXISTS pgcrypto;
--> statement-breakpoint
CREATE EXTENSION IF NOT EXISTS pg_trgm;
