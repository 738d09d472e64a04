-- The head of an audit stream, read under the stream's append lock in one round trip (src/audit/stream.ts).
-- VOLATILE on purpose: under READ COMMITTED each query inside a volatile function takes a new snapshot,
-- so the head is read after the lock is granted and sees every append committed before it — a single
-- SQL statement would read it from the snapshot taken before it waited for the lock.
CREATE FUNCTION "audit_stream_head_locked"("lock_key" bigint, "stream" text)
RETURNS TABLE("seq" bigint, "hash" varchar) LANGUAGE plpgsql VOLATILE AS $$
BEGIN
  PERFORM pg_advisory_xact_lock("lock_key");
  IF "stream" = 'change_log' THEN
    RETURN QUERY SELECT c."seq", c."hash" FROM "change_log" c ORDER BY c."seq" DESC LIMIT 1;
  ELSIF "stream" = 'access_log' THEN
    RETURN QUERY SELECT a."seq", a."hash" FROM "access_log" a ORDER BY a."seq" DESC LIMIT 1;
  ELSE
    RAISE EXCEPTION 'unknown audit stream %', "stream";
  END IF;
END
$$;
