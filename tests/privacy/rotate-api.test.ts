import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { changeLog } from "../../src/audit/index.js";
import { persons } from "../../src/modules/households/households.table.js";
import { fileBackedCipher, loadOrCreateDevFieldKeys, readFieldKeyFile } from "../../src/privacy/crypto.js";
import { retiredKeysInUse } from "../../src/privacy/rotate.js";
import { databaseKinds } from "../support/databases.js";
import { errorCodes, startTestHub, type TestHub } from "../support/hub.js";

// `rotateFieldKeys`: key rotation inside the running hub, for the embedded database no second process
// may open (db/lock.ts). Reads go on; every value ends under the new key with its plaintext unchanged.

const ROTATE = `mutation ($retire: Boolean!) { rotateFieldKeys(retire: $retire) { active previous reencrypted { column values } retired stillInUse { keyId values } } }`;
const MEMBERS = `query ($id: ID!) { household(id: $id) { bankAccount members { id idNumber phone } } }`;

type Rotation = { active: string; previous: string; reencrypted: Array<{ column: string; values: number }>; retired: string[]; stillInUse: unknown[] };

describe.each(databaseKinds())("rotateFieldKeys on %s", (kind) => {
  let t: TestHub;
  let tmp: string;
  let file: string;
  let admin: string;
  let civil: string;
  let householdId: string;
  let before: unknown;

  beforeAll(async () => {
    tmp = mkdtempSync(path.join(os.tmpdir(), "hub-rotate-api-"));
    file = loadOrCreateDevFieldKeys(tmp).file;
    t = await startTestHub(kind, { cipher: fileBackedCipher(file) });
    admin = await t.token("QX-MZJ", "ADMIN");
    civil = await t.token("QX-MZJ", "CASEWORKER");
    const r = await t.exec(civil, `{ households(first: 1) { nodes { id } } }`);
    householdId = (r.data!.households as { nodes: Array<{ id: string }> }).nodes[0]!.id;
    before = (await t.exec(civil, MEMBERS, { id: householdId })).data;
  }, 120_000);
  afterAll(async () => {
    await t?.close();
    rmSync(tmp, { recursive: true, force: true });
  });

  it("is for civil affairs administrators only", async () => {
    expect(errorCodes(await t.exec(civil, ROTATE, { retire: false }))).toEqual(["FORBIDDEN"]);
    expect(readFieldKeyFile(file).keys.size).toBe(1);
  });

  it("makes a new key active, re-encrypts every value under it, and logs the change", async () => {
    const first = readFieldKeyFile(file).activeKeyId;
    const r = await t.exec(admin, ROTATE, { retire: false });
    expect(r.errors).toBeUndefined();
    const rotation = r.data!.rotateFieldKeys as Rotation;
    expect(rotation.previous).toBe(first);
    expect(rotation.active).not.toBe(first);
    expect(readFieldKeyFile(file).activeKeyId).toBe(rotation.active);
    const personCount = await t.db.db.$count(persons);
    expect(rotation.reencrypted.find((c) => c.column === "persons.id_number")!.values).toBe(personCount);
    expect(await retiredKeysInUse(t.db.db, first)).toBe(0);
    expect(rotation).toMatchObject({ retired: [], stillInUse: [] });
    // Same plaintexts through the API after the rotation.
    expect((await t.exec(civil, MEMBERS, { id: householdId })).data).toEqual(before);
    const logged = await t.db.db.select().from(changeLog).where(eq(changeLog.entityType, "FieldKeys"));
    expect(logged.map((e) => [e.field, e.oldValue, e.newValue, e.orgCode, e.role])).toEqual([["activeKeyId", first, rotation.active, "QX-MZJ", "ADMIN"]]);
  });

  it("serves reads while it re-encrypts", async () => {
    const [rotation, ...reads] = await Promise.all([
      t.exec(admin, ROTATE, { retire: false }),
      ...Array.from({ length: 6 }, () => t.exec(civil, MEMBERS, { id: householdId })),
    ]);
    expect(rotation!.errors).toBeUndefined();
    for (const read of reads) expect(read).toEqual({ data: before });
  });

  it("with retire, removes the keys no value uses any more", async () => {
    const keysBefore = [...readFieldKeyFile(file).keys.keys()];
    const r = await t.exec(admin, ROTATE, { retire: true });
    expect(r.errors).toBeUndefined();
    const rotation = r.data!.rotateFieldKeys as Rotation;
    expect([...rotation.retired].sort()).toEqual([...keysBefore].sort());
    expect([...readFieldKeyFile(file).keys.keys()]).toEqual([rotation.active]);
    expect((await t.exec(civil, MEMBERS, { id: householdId })).data).toEqual(before);
  });
});

describe("rotateFieldKeys without a key file", () => {
  let t: TestHub;
  beforeAll(async () => {
    t = await startTestHub("pglite");
  }, 60_000);
  afterAll(() => t?.close());

  it("answers CONFLICT and changes nothing", async () => {
    const r = await t.exec(await t.token("QX-MZJ", "ADMIN"), ROTATE, { retire: false });
    expect(errorCodes(r)).toEqual(["CONFLICT"]);
    expect(r.errors![0]!.message).toBe("this hub's field keys are not held in a key file it can rotate");
  });
});
