import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { accessLog } from "../../src/db/schema.js";
import { DataCategory } from "../../src/privacy/categories.js";
import { decideField } from "../../src/privacy/project.js";
import { householdScope } from "../../src/privacy/scope.js";
import { startTestHub, type TestHub } from "../support/hub.js";

// A need's tags and note are disclosures of the categories they reveal: the access log counts them
// when they were shown — over-reporting every category the caller could have seen on a tag (the log
// cannot tell which tags the rows held), never under-reporting.

describe("access log of a need's tags and note", () => {
  let t: TestHub;
  beforeAll(async () => {
    t = await startTestHub("pglite");
  });
  afterAll(() => t?.close());

  async function logged(token: string, selection: string): Promise<string[]> {
    const before = await t.db.db.$count(accessLog);
    const r = await t.exec(token, `{ needs(first: 50) { nodes { ${selection} } } }`);
    expect(r.errors).toBeUndefined();
    const [entry] = await t.db.db.select().from(accessLog).where(sql`${accessLog.seq} > ${before}`);
    return entry!.categoriesFull;
  }

  it("counts the categories a coordinator may see on tags when tags are selected, none when they are not", async () => {
    const token = await t.token("QX-SQ-001-001", "COORDINATOR");
    const principal = (await t.hub.contextFor(`Bearer ${token}`)).principal!;
    const grant = householdScope(principal).grant;
    const visible = DataCategory.values.filter((c) => c !== "BASIC" && decideField(principal, { category: c }, grant).access === "FULL");
    expect(await logged(token, "id title")).toEqual([]);
    expect(await logged(token, "id beneficiaryTags")).toEqual([...visible].sort());
    // A coordinator sees health only masked: a health tag never reaches it, so HEALTH is never logged.
    expect(visible).not.toContain("HEALTH");
    expect(await logged(token, "id note { text }")).toEqual([...visible].sort());
  });
});
