import "../../src/bench/with-resolvers.mjs";
import { sql, type SQL } from "drizzle-orm";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { postgraphilePreset } from "../../src/bench/postgraphile-preset.js";
import {
  BenchCheckError,
  compareRecordSets,
  HUB_QUERIES,
  memberOrder,
  postgraphileQuery,
  QUERY_NAMES,
  RAW_SQL,
  recordsFromHub,
  recordsFromPostGraphile,
  recordsFromRaw,
  RELATION_ORDER,
  type BenchMember,
  type BenchRecord,
  type OpenSealed,
  type QueryName,
} from "../../src/bench/workload.js";
import { databaseKinds } from "../support/databases.js";
import { startTestHub, type TestHub } from "../support/hub.js";

// The peer benchmark's correctness check (src/bench/workload.ts), without any load: the three peers'
// answers are brought to one form and compared, and a difference of any kind is reported. On the demo
// district (PGlite and PostgreSQL) the raw statement returns exactly the hub's records, and on PostgreSQL
// so does PostGraphile; the same statement with another scope does not, and the check says so.

const SUBDISTRICT = "130104001"; // QX-JD-DF's jurisdiction prefix

const member = (id: string): BenchMember => ({ id, name: `name-${id}`, idNumber: `139901199001${id.padStart(6, "0")}`, phone: null, birthDate: "1990-01-01", monthlyIncomeFen: 0 });

function record(no: string, members: string[] = ["p1", "p2"]): BenchRecord {
  return {
    id: `id-${no}`,
    no,
    columns: { type: "MINIMUM_LIVING", status: "APPROVED", monthlyBenefitFen: 75_000 },
    household: { id: `h-${no}`, householdNo: `QXH-${no}`, address: "示例南巷12号", members: members.map((m) => member(m)) },
  };
}

describe("the peer benchmark's record comparison", () => {
  const expected = [record("QXC-1"), record("QXC-2"), record("QXC-3")];

  it("finds no difference between the same records, members in any order", () => {
    const reordered = expected.map((r) => ({ ...r, household: { ...r.household!, members: [...r.household!.members].reverse() } }));
    expect(compareRecordSets(expected, structuredClone(expected))).toEqual([]);
    expect(compareRecordSets(expected, reordered)).toEqual([]);
    expect(memberOrder(reordered)).not.toEqual(memberOrder(expected));
  });

  it("reports a missing record, another order, a changed column, another household and a member's changed or missing value", () => {
    expect(compareRecordSets(expected, expected.slice(0, 2))).toEqual(["2 records, expected 3"]);
    expect(compareRecordSets(expected, [expected[1]!, expected[0]!, expected[2]!])).toEqual([
      "[0] QXC-1: record QXC-2 (id-QXC-2), expected QXC-1 (id-QXC-1)",
      "[1] QXC-2: record QXC-1 (id-QXC-1), expected QXC-2 (id-QXC-2)",
    ]);
    const changed = structuredClone(expected) as BenchRecord[];
    (changed[0]!.columns as Record<string, unknown>).monthlyBenefitFen = 75_001;
    (changed[1] as { household: unknown }).household = null;
    const members = changed[2]!.household!.members as unknown as Array<Record<string, unknown>>;
    members[0]!.idNumber = "139901199001019999";
    members[1]!.name = null;
    expect(compareRecordSets(expected, changed)).toEqual([
      "[0] QXC-1.monthlyBenefitFen: 75001, expected 75000",
      "[1] QXC-2.household: null, expected QXH-QXC-2",
      "[2] QXC-3.household.members[p1].idNumber differs",
      "[2] QXC-3.household.members[p2].name differs",
    ]);
    expect(compareRecordSets(expected, [expected[0]!, expected[1]!, record("QXC-3", ["p1", "p9"])])).toEqual([
      "[2] QXC-3.household.members: p1,p9, expected p1,p2",
    ]);
  });

  it("reads each peer's shape to the same records, opening sealed values and converting Money to fen", () => {
    const open: OpenSealed = (value, context) => `${context}:${value.replace(/^sealed-/, "")}`;
    const hub = {
      data: {
        cases: {
          nodes: [
            {
              id: "c1", caseNo: "QXC-1", type: "MINIMUM_LIVING", status: "APPROVED", monthlyBenefit: "750.05",
              household: { id: "h1", householdNo: "QXH-1", address: "a", members: [{ id: "p1", name: "n", idNumber: "persons.id_number:X", phone: null, birthDate: "1990-01-01", monthlyIncome: "0.00" }] },
            },
          ],
        },
      },
    };
    const people = [{ rowId: "p1", name: "n", idNumberEnc: "sealed-X", phoneEnc: null, birthDate: "1990-01-01", monthlyIncomeFen: 0 }];
    const postgraphile = {
      data: {
        allCases: {
          nodes: [
            {
              rowId: "c1", caseNo: "QXC-1", type: "MINIMUM_LIVING", status: "APPROVED", monthlyBenefitFen: 75_005,
              householdByHouseholdId: { rowId: "h1", householdNo: "QXH-1", address: "a", peopleByHouseholdId: { nodes: people } },
            },
          ],
        },
      },
    };
    const raw = {
      data: {
        cases: {
          nodes: [
            {
              id: "c1", caseNo: "QXC-1", type: "MINIMUM_LIVING", status: "APPROVED", monthlyBenefitFen: 75_005,
              household: { id: "h1", householdNo: "QXH-1", address: "a", members: [{ id: "p1", name: "n", idNumber: "sealed-X", phone: null, birthDate: "1990-01-01", monthlyIncomeFen: 0 }] },
            },
          ],
        },
      },
    };
    const reference = recordsFromHub("cases", hub);
    expect(reference[0]!.columns).toEqual({ type: "MINIMUM_LIVING", status: "APPROVED", monthlyBenefitFen: 75_005 });
    expect(compareRecordSets(reference, recordsFromPostGraphile("cases", postgraphile, open))).toEqual([]);
    expect(compareRecordSets(reference, recordsFromRaw("cases", raw, open))).toEqual([]);
    // A GraphQL error, a value that does not open, a missing list: a failed check, not a silent pass.
    expect(() => recordsFromHub("cases", { errors: [{ message: "no" }], data: null })).toThrow(BenchCheckError);
    const failing: OpenSealed = () => {
      throw new Error("fails authentication");
    };
    expect(() => recordsFromRaw("cases", raw, failing)).toThrow(/does not open as persons.id_number/);
    expect(() => recordsFromRaw("cases", { data: { cases: {} } }, open)).toThrow(BenchCheckError);
  });
});

/** RAW_SQL with its $1 (LIKE pattern) and $2 (member order, as an array literal) bound through drizzle, on either database. */
function rawStatement(name: QueryName, pattern: string): SQL {
  const parts = RAW_SQL[name].split(/(\$[12])/);
  return sql.join(parts.map((p) => (p === "$1" ? sql`${pattern}` : p === "$2" ? sql`${`{${RELATION_ORDER.join(",")}}`}` : sql.raw(p))));
}

describe.each(databaseKinds())("the peers' answers on the demo district on %s", (kind) => {
  let t: TestHub;
  let token: string;
  let open: OpenSealed;

  beforeAll(async () => {
    t = await startTestHub(kind);
    token = await t.token("QX-JD-DF", "CASEWORKER");
    open = (value, context) => t.cipher.decrypt(value, context);
  });
  afterAll(() => t?.close());

  async function hubRecords(name: QueryName): Promise<BenchRecord[]> {
    return recordsFromHub(name, await t.exec(token, HUB_QUERIES[name]));
  }

  async function rawRecords(name: QueryName, pattern: string): Promise<BenchRecord[]> {
    const result = (await t.db.db.execute(rawStatement(name, pattern))) as unknown as { rows: Array<{ body: string }> };
    return recordsFromRaw(name, JSON.parse(result.rows[0]!.body), open);
  }

  it.each(QUERY_NAMES)("raw json_agg returns the hub's 50 %s, members in the hub's order", async (name) => {
    const hub = await hubRecords(name);
    expect(hub).toHaveLength(50);
    const raw = await rawRecords(name, `${SUBDISTRICT}%`);
    expect(compareRecordSets(hub, raw)).toEqual([]);
    expect(memberOrder(raw)).toEqual(memberOrder(hub));
  });

  it.each(QUERY_NAMES)("the check catches a peer that scopes %s differently (the whole district)", async (name) => {
    const diff = compareRecordSets(await hubRecords(name), await rawRecords(name, "130104%"));
    expect(diff.length).toBeGreaterThan(0);
    expect(diff[0]).toMatch(/^\[\d+\] QX[CN]-.*: record QX[CN]-/);
  });
});

describe.skipIf(!databaseKinds().includes("postgres"))("PostGraphile's answers on the demo district on postgres", () => {
  let t: TestHub;
  let token: string;
  let open: OpenSealed;
  let execute: (source: string) => Promise<unknown>;
  let release: () => Promise<void>;

  beforeAll(async () => {
    t = await startTestHub("postgres");
    token = await t.token("QX-JD-DF", "CASEWORKER");
    open = (value, context) => t.cipher.decrypt(value, context);
    const where = (await t.db.db.execute(sql`select current_database() as db, current_setting('port') as port`)) as unknown as { rows: Array<{ db: string; port: string }> };
    const { db, port } = where.rows[0]!;
    const { postgraphile } = await import("postgraphile");
    const { grafast } = await import("postgraphile/grafast");
    // A pool this test owns and ends before the hub drops the database.
    const pool = new pg.Pool({ connectionString: `postgres://postgres@127.0.0.1:${port}/${db}`, max: 2 });
    const pgl = postgraphile(postgraphilePreset({ pool }));
    const { schema, resolvedPreset } = await pgl.getSchemaResult();
    execute = async (source) => grafast({ schema, source, resolvedPreset, requestContext: {} });
    release = async () => {
      await pgl.release();
      await pool.end();
    };
  });
  afterAll(async () => {
    await release?.();
    await t?.close();
  });

  it.each(QUERY_NAMES)("returns the hub's 50 %s (members as a set)", async (name) => {
    const hub = recordsFromHub(name, await t.exec(token, HUB_QUERIES[name]));
    const peer = recordsFromPostGraphile(name, JSON.parse(JSON.stringify(await execute(postgraphileQuery(name, SUBDISTRICT)))), open);
    expect(peer).toHaveLength(50);
    expect(compareRecordSets(hub, peer)).toEqual([]);
  });

  it("is told apart when its scope condition is another area", async () => {
    const hub = recordsFromHub("cases", await t.exec(token, HUB_QUERIES.cases));
    const peer = recordsFromPostGraphile("cases", JSON.parse(JSON.stringify(await execute(postgraphileQuery("cases", "130104002")))), open);
    expect(compareRecordSets(hub, peer)[0]).toMatch(/^\[0\] QXC-.*: record QXC-/);
  });
});
