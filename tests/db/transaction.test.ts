import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openTransaction } from "../../src/db/transaction.js";
import { databaseKinds, openTestDatabase, type TestDatabase } from "../support/databases.js";

// A transaction opened in one place and finished in another (the keyed-mutation path).

describe.each(databaseKinds())("an open transaction on %s", (kind) => {
  let h: TestDatabase;
  beforeAll(async () => {
    h = await openTestDatabase(kind);
    await h.db.execute(sql`create table t_open (n int not null)`);
  });
  afterAll(() => h?.close());

  const rows = async () => Number(((await h.db.execute(sql`select count(*)::int as n from t_open`)) as unknown as { rows: Array<{ n: number }> }).rows[0]!.n);

  it("commits its statements and the last one given to commit()", async () => {
    const open = await openTransaction(h.db);
    await open.tx.execute(sql`insert into t_open values (1)`);
    expect(open.finished).toBe(false);
    await open.commit(async (tx) => {
      await tx.execute(sql`insert into t_open values (2)`);
    });
    expect(open.finished).toBe(true);
    expect(await rows()).toBe(2);
    // Finishing again only waits for the outcome.
    await open.rollback();
    await open.commit();
    expect(await rows()).toBe(2);
  });

  it("rolls back, and a failing last statement rolls the whole transaction back", async () => {
    const open = await openTransaction(h.db);
    await open.tx.execute(sql`insert into t_open values (3)`);
    await open.rollback();
    expect(await rows()).toBe(2);

    const failing = await openTransaction(h.db);
    await failing.tx.execute(sql`insert into t_open values (4)`);
    await expect(failing.commit(() => Promise.reject(new Error("last failed")))).rejects.toThrow("last failed");
    expect(await rows()).toBe(2);
  });

  it("turns nested transactions into savepoints", async () => {
    const open = await openTransaction(h.db);
    await open.tx.transaction(async (tx) => {
      await tx.execute(sql`insert into t_open values (5)`);
    });
    await expect(open.tx.transaction(async (tx) => {
      await tx.execute(sql`insert into t_open values (6)`);
      throw new Error("inner");
    })).rejects.toThrow("inner");
    await open.commit();
    expect(((await h.db.execute(sql`select n from t_open where n > 4 order by n`)) as unknown as { rows: Array<{ n: number }> }).rows).toEqual([{ n: 5 }]);
  });

  it.runIf(kind === "pglite")("on PGlite holds the one connection: a statement on the database waits until it is finished", async () => {
    const open = await openTransaction(h.db);
    let answered = false;
    const outside = rows().then((n) => {
      answered = true;
      return n;
    });
    await open.tx.execute(sql`insert into t_open values (7)`);
    await new Promise((r) => setTimeout(r, 100));
    // Had the transaction waited for that statement (the access log inside a keyed request), neither would finish.
    expect(answered).toBe(false);
    await open.commit();
    expect(await outside).toBe(4);
  });
});
