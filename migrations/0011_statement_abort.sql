-- Undoes the statement that calls it (and, inside a transaction, fails the transaction) with SQLSTATE
-- QX001 and `reason` as its message: for one-statement writes whose later step finds that an earlier
-- one must not stand (src/modules/claims: the need taken, then the resource found without capacity).
-- The hub maps QX001 to the refusal `reason` names; it never reaches a caller as a database error.
CREATE FUNCTION "abort_statement"("reason" text) RETURNS int LANGUAGE plpgsql VOLATILE AS $$
BEGIN
  RAISE EXCEPTION USING ERRCODE = 'QX001', MESSAGE = "reason";
END
$$;
