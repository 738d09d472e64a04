import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDatabase, type DbHandle } from "../../src/db/client.js";
import { migrateDatabase } from "../../src/db/migrate.js";
import { generateDemoDistrict, type DemoDistrict } from "../../src/demo/generate.js";
import { countDemoTables, DemoSeedError, isDatabaseEmpty, seedDemoDistrict } from "../../src/demo/seed.js";
import { testCipher } from "../support/cipher.js";

const cipher = testCipher();
import { households } from "../../src/modules/households/households.table.js";
import { needs } from "../../src/modules/needs/needs.table.js";
import { resources } from "../../src/modules/resources/resources.table.js";

// One in-memory PGlite for the whole file (opening one takes seconds); the tests run in order
// and each leaves the database in the state the next one expects.

const EMPTY = { organizations: 0, households: 0, persons: 0, cases: 0, needs: 0, resources: 0 };

let handle: DbHandle;
let statements = 0;
let district: DemoDistrict;

beforeAll(async () => {
  handle = await openDatabase({ onQuery: () => void statements++ });
  await migrateDatabase(handle);
  district = generateDemoDistrict();
});

afterAll(async () => {
  await handle?.close();
});

describe("seeding the demo district", () => {
  it("refuses atomically when demo keys already exist, writing nothing", async () => {
    // A stray household with the first demo household number: the insert conflicts midway.
    await handle.db.insert(households).values({
      householdNo: "QXH-000001",
      areaCode: "130104001001",
      address: "冲突测试 示例路一号",
      housingSituation: "OWNED",
      residenceStatus: "LOCAL_HUKOU",
    });
    await expect(seedDemoDistrict(handle.db, cipher)).rejects.toThrow(DemoSeedError);
    expect(await countDemoTables(handle.db)).toEqual({ ...EMPTY, households: 1 });
    await handle.db.delete(households).where(eq(households.householdNo, "QXH-000001"));
    expect(await isDatabaseEmpty(handle.db)).toBe(true);
  });

  it("inserts every generated row in one go: a few multi-row statements, not one per row", async () => {
    const before = statements;
    const counts = await seedDemoDistrict(handle.db, cipher);
    const used = statements - before;
    const expected = {
      organizations: district.organizations.length,
      households: district.households.length,
      persons: district.persons.length,
      cases: district.cases.length,
      needs: district.needs.length,
      resources: district.resources.length,
    };
    expect(counts).toEqual(expected);
    expect(await countDemoTables(handle.db)).toEqual(expected);
    expect(await isDatabaseEmpty(handle.db)).toBe(false);
    // Speed is a benchmark's business; what a test can pin is the shape of the work.
    // The emptiness check, one INSERT per 500 rows of each table, the sequence bump.
    const batches = Object.values(expected).reduce((sum, n) => sum + Math.ceil(n / 500), 0);
    expect(used).toBe(1 + batches + 1);
  });

  it("stores array columns and explicit ids exactly as generated", async () => {
    const need = district.needs.find((n) => n.beneficiaryTags.length > 1)!;
    const [storedNeed] = await handle.db.select().from(needs).where(eq(needs.id, need.id));
    expect(storedNeed).toMatchObject({
      needNo: need.needNo,
      caseId: need.caseId,
      beneficiaryTags: need.beneficiaryTags,
      amountFen: need.amountFen,
      neededBy: need.neededBy,
    });
    const resource = district.resources.find((r) => r.categories.length > 1)!;
    const [storedResource] = await handle.db.select().from(resources).where(eq(resources.id, resource.id));
    expect(storedResource).toMatchObject({
      categories: resource.categories,
      serviceAreaCodes: resource.serviceAreaCodes,
      eligibilityTags: resource.eligibilityTags,
      budgetFen: resource.budgetFen,
    });
  });

  it("refuses a second seed with a clear error and leaves the counts unchanged", async () => {
    const before = await countDemoTables(handle.db);
    const attempt = seedDemoDistrict(handle.db, cipher);
    await expect(attempt).rejects.toThrow(DemoSeedError);
    await expect(attempt).rejects.toThrow("the database already holds organizations; demo seed refused");
    expect(await countDemoTables(handle.db)).toEqual(before);
  });
});
