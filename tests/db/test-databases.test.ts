import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { households } from "../../src/db/schema.js";
import { databaseKinds, openTestDatabase, testDatabases, type TestDatabase } from "../support/databases.js";

// The harness itself: every openTestDatabase() is fresh, migrated and independent of the others
// (on PGlite they are loaded from one migrated data-dir dump; on PostgreSQL each is its own database).

describe("databases under test", () => {
  it("always include pglite; postgres whenever the run has a server", () => {
    expect(databaseKinds()[0]).toBe("pglite");
    expect(databaseKinds()).toEqual(testDatabases.filter((d) => d.available).map((d) => d.name));
    if (process.env.CI === "true") expect(databaseKinds()).toContain("postgres");
  });
});

describe.each(databaseKinds())("openTestDatabase on %s", (kind) => {
  let a: TestDatabase;
  let b: TestDatabase;

  beforeAll(async () => {
    [a, b] = await Promise.all([openTestDatabase(kind), openTestDatabase(kind)]);
  });
  afterAll(async () => {
    await Promise.all([a?.close(), b?.close()]);
  });

  it("opens migrated databases of that kind", async () => {
    expect(a.kind).toBe(kind);
    await a.ping();
    expect(await a.db.select().from(households)).toEqual([]);
  });

  it("gives each caller its own database", async () => {
    await a.db.insert(households).values({
      householdNo: "QXH-ISOLATION",
      areaCode: "139999001001",
      address: "only in a",
      housingSituation: "OWNED",
      residenceStatus: "LOCAL_HUKOU",
    });
    expect(await a.db.select().from(households)).toHaveLength(1);
    expect(await b.db.select().from(households)).toHaveLength(0);
  });

  it("close() is idempotent and, on PostgreSQL, drops the database", async () => {
    const c = await openTestDatabase(kind);
    const database = (await c.db.execute(sql`select current_database() as name`)) as unknown as {
      rows: Array<{ name: string }>;
    };
    const name = database.rows[0]?.name ?? "";
    await Promise.all([c.close(), c.close()]);
    await c.close();
    if (kind === "postgres") {
      const left = (await a.db.execute(sql`select count(*)::int as n from pg_database where datname = ${name}`)) as unknown as {
        rows: Array<{ n: number }>;
      };
      expect(left.rows[0]?.n).toBe(0);
    }
  });
});
