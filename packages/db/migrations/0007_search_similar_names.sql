-- Custom migration (issue 14): search and autocomplete without a transaction of their own.
-- `name % q` matches by trigram similarity above pg_trgm.similarity_threshold, a setting: the reads used to open
-- a transaction only to set it (begin, set_config, the query, commit: four round trips). This function sets it for
-- its own call and returns the ids of the products whose name is similar enough, through the trigram GIN index
-- (its plan is kept per connection); the read uses it as `p.id = any((select …))`, evaluated once per statement.
-- No visibility rule here: the caller's query applies it.
CREATE OR REPLACE FUNCTION public.products_with_similar_name(p_q text, p_threshold real)
RETURNS uuid[]
LANGUAGE plpgsql VOLATILE
-- pg_trgm lives in public, or in Supabase's `extensions` schema when it was installed there first.
SET search_path = public, extensions, pg_temp
AS $$
BEGIN
  -- Lasts no longer than this call (a function with a SET clause undoes its local settings on return).
  PERFORM set_config('pg_trgm.similarity_threshold', p_threshold::text, true);
  RETURN ARRAY(SELECT p.id FROM public.products p WHERE p.name % p_q);
END;
$$;
