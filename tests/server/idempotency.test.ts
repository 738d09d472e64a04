import http from "node:http";
import { eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { accessLog, households, idempotencyKeys, persons } from "../../src/db/schema.js";
import { ENCRYPTED_FIELDS } from "../../src/privacy/crypto.js";
import { idNumberCheckChar } from "../../src/shared/id-number.js";
import { databaseKinds } from "../support/databases.js";
import { startTestHub, type TestHub } from "../support/hub.js";

// Retry-safe mutations through real HTTP: a POSTed mutation with an Idempotency-Key runs once; a retry
// with the same key and request gets the first response again (Idempotent-Replayed: true), logged as a
// disclosure; another request with that key is CONFLICT; retryable failures are not kept.

const REGISTER = /* GraphQL */ `
  mutation Register($input: RegisterHouseholdInput!) {
    registerHousehold(input: $input) {
      household { id householdNo address members { name idNumber phone } }
    }
  }
`;

/** A checksum-valid fictional ID number (prefecture 1399 does not exist). */
function fictionalId(birth: string, seq: number): string {
  const first17 = `139999${birth.replaceAll("-", "")}${String(seq).padStart(3, "0")}`;
  return first17 + idNumberCheckChar(first17);
}

/** A one-member registration with its own ID number and name. */
function registration(seq: number, name = `示例${String.fromCharCode(0x4e00 + seq)}`) {
  return {
    input: {
      areaCode: "130104001002",
      address: `东风街道第二社区 示例东路${seq}号`,
      housingSituation: "RENTED_PRIVATE",
      residenceStatus: "LOCAL_HUKOU",
      members: [{ relationToHead: "HEAD", name, idNumber: fictionalId("1975-05-06", seq), phone: `1740999${String(seq).padStart(4, "0")}`, workAbility: "FULL", employmentStatus: "EMPLOYED" }],
    },
  };
}

interface Reply {
  readonly status: number;
  readonly text: string;
  readonly body: { data?: Record<string, unknown> | null; errors?: Array<{ message: string; extensions?: Record<string, unknown> }> };
  readonly replayed: string | null;
  readonly retryAfter: string | null;
}

describe.each(databaseKinds())("Idempotency-Key on %s", (kind) => {
  let t: TestHub;
  let base: string;
  let civil: string;
  let admin: string;
  /** The idempotency clock (created/expires times), moved forward by the expiry test. */
  let clock = Date.now();

  beforeAll(async () => {
    t = await startTestHub(kind, { idempotency: { waitSeconds: 2, now: () => new Date(clock) } });
    base = `http://127.0.0.1:${(await t.hub.listen(0, "127.0.0.1")).port}`;
    civil = await t.token("QX-MZJ", "CASEWORKER");
    admin = await t.token("QX-MZJ", "ADMIN");
  });
  afterAll(() => t?.close());

  async function post(token: string, payload: unknown, headers: Record<string, string> = {}): Promise<Reply> {
    const res = await fetch(`${base}/graphql`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${token}`, ...headers },
      body: typeof payload === "string" ? payload : JSON.stringify(payload),
    });
    const text = await res.text();
    return { status: res.status, text, body: JSON.parse(text) as Reply["body"], replayed: res.headers.get("idempotent-replayed"), retryAfter: res.headers.get("retry-after") };
  }
  const register = (token: string, key: string, variables: unknown, headers: Record<string, string> = {}) =>
    post(token, { query: REGISTER, operationName: "Register", variables }, { "idempotency-key": key, ...headers });

  const counts = async () => ({
    households: await t.db.db.$count(households),
    persons: await t.db.db.$count(persons),
    keys: await t.db.db.$count(idempotencyKeys),
  });
  const householdsAt = (address: string) => t.db.db.$count(households, eq(households.address, address));

  it("answers a retried registerHousehold with the original response: same status and body, one household, one key", async () => {
    const variables = registration(101);
    const before = await counts();
    const first = await register(civil, "retry-101", variables);
    expect(first.status).toBe(200);
    expect(first.replayed).toBeNull();
    expect(first.body.errors).toBeUndefined();
    const household = (first.body.data!.registerHousehold as { household: { id: string; members: Array<{ name: string }> } }).household;
    expect(household.members).toEqual([{ name: variables.input.members[0]!.name, idNumber: variables.input.members[0]!.idNumber, phone: variables.input.members[0]!.phone }]);

    const retry = await register(civil, "retry-101", variables);
    expect(retry.status).toBe(200);
    expect(retry.replayed).toBe("true");
    expect(retry.text).toBe(first.text);
    expect(await counts()).toEqual({ households: before.households + 1, persons: before.persons + 1, keys: before.keys + 1 });
    expect(await householdsAt(variables.input.address)).toBe(1);
  });

  it("treats the same variables in another key order as the same request", async () => {
    const variables = registration(102);
    const first = await register(civil, "order-102", variables);
    const [member] = variables.input.members;
    const reordered = { input: { members: [Object.fromEntries(Object.entries(member!).reverse())], ...Object.fromEntries(Object.entries(variables.input).filter(([k]) => k !== "members").reverse()) } };
    const retry = await register(civil, "order-102", reordered);
    expect([retry.status, retry.replayed, retry.text]).toEqual([200, "true", first.text]);
  });

  it("logs a replay in the access log as that caller's access, naming the replay, with what the original showed", async () => {
    const variables = registration(103);
    await register(civil, "logged-103", variables, { "x-request-id": "idem-first-103" });
    await register(civil, "logged-103", variables, { "x-request-id": "idem-retry-103", "x-access-purpose": "retry after timeout" });
    const rows = await t.db.db
      .select()
      .from(accessLog)
      .where(sql`${accessLog.requestId} in ('idem-first-103', 'idem-retry-103')`)
      .orderBy(accessLog.seq);
    expect(rows.map((r) => [r.requestId, r.operation, r.subject, r.orgCode, r.role, r.purpose, r.outcome])).toEqual([
      ["idem-first-103", "Mutation.registerHousehold", "dev-qx-mzj-caseworker", "QX-MZJ", "CASEWORKER", null, "ALLOWED"],
      ["idem-retry-103", "Mutation.registerHousehold (idempotent replay)", "dev-qx-mzj-caseworker", "QX-MZJ", "CASEWORKER", "retry after timeout", "ALLOWED"],
    ]);
    // The same records, households and categories in full: the replay disclosed them again.
    expect(rows[1]!.disclosures).toBe(rows[0]!.disclosures);
    expect(rows[1]!.householdIds).toEqual(rows[0]!.householdIds);
    expect(rows[1]!.categoriesFull).toEqual(rows[0]!.categoriesFull);
    expect(rows[0]!.categoriesFull).toEqual(expect.arrayContaining(["IDENTITY", "CONTACT"]));
  });

  it("refuses the same key with a different request as CONFLICT (HTTP 422), running nothing", async () => {
    await register(civil, "reused-104", registration(104));
    const before = await counts();
    const other = registration(105);
    const reused = await register(civil, "reused-104", other);
    expect(reused.status).toBe(422);
    expect(reused.replayed).toBeNull();
    expect(reused.body).toEqual({
      errors: [{ message: "this Idempotency-Key was used for a different request; a new request needs a new key", extensions: { code: "CONFLICT", reason: "IDEMPOTENCY_KEY_REUSED" } }],
    });
    expect(await counts()).toEqual(before);
    expect(await householdsAt(other.input.address)).toBe(0);
    // Another operation name or query text is another request too.
    const renamed = await post(civil, { query: REGISTER.replace("Register(", "Enrol("), operationName: "Enrol", variables: registration(104) }, { "idempotency-key": "reused-104" });
    expect([renamed.status, renamed.body.errors?.[0]?.extensions?.reason]).toEqual([422, "IDEMPOTENCY_KEY_REUSED"]);
    expect(await counts()).toEqual(before);
  });

  it("keeps callers apart: another caller's same key runs its own request and never sees the first caller's result", async () => {
    const variables = registration(106);
    const mine = await register(civil, "shared-106", variables);
    const colleague = await t.token("QX-MZJ", "CASEWORKER", { subject: "another-caseworker" });
    // The same request under the same key, from someone else: it runs (and finds the number registered).
    const theirs = await register(colleague, "shared-106", variables);
    expect(theirs.replayed).toBeNull();
    expect(theirs.text).not.toBe(mine.text);
    expect(theirs.body.errors?.map((e) => e.extensions?.reason)).toEqual(["ID_NUMBER_REGISTERED"]);
    // A different request under that key is theirs to make, not a reuse of the first caller's key.
    const own = registration(107);
    const fresh = await register(colleague, "shared-106-b", own);
    // The same person in another role is another caller (a stored view was projected for one role).
    const reusedByOther = await register(await t.token("QX-MZJ", "ADMIN", { subject: "dev-qx-mzj-caseworker" }), "shared-106", own);
    expect([fresh.status, fresh.replayed]).toEqual([200, null]);
    expect(reusedByOther.status).toBe(200);
    expect(reusedByOther.replayed).toBeNull();
    expect(reusedByOther.body.errors?.map((e) => e.extensions?.reason)).toEqual(["ID_NUMBER_REGISTERED"]);
    // Each caller's retry replays its own first answer.
    expect((await register(civil, "shared-106", variables)).text).toBe(mine.text);
    expect((await register(colleague, "shared-106", variables)).text).toBe(theirs.text);
  });

  it("refuses a malformed key with HTTP 400 before running anything", async () => {
    const before = await counts();
    const expected = {
      errors: [{ message: "Idempotency-Key must be sent once, as 1 to 255 printable ASCII characters", extensions: { code: "BAD_USER_INPUT", reason: "INVALID_IDEMPOTENCY_KEY" } }],
    };
    for (const key of ["", "k".repeat(256), "clé", "tab\there"]) {
      const r = await register(civil, key, registration(108));
      expect([key, r.status, r.body]).toEqual([key, 400, expected]);
    }
    // Sent twice: refused, not joined into one key.
    const twice = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = http.request(`${base}/graphql`, { method: "POST" }, (res) => {
        let body = "";
        res.on("data", (c: Buffer) => (body += c.toString()));
        res.on("end", () => resolve({ status: res.statusCode!, body }));
      });
      req.on("error", reject);
      req.setHeader("content-type", "application/json");
      req.setHeader("authorization", `Bearer ${civil}`);
      req.setHeader("idempotency-key", ["one", "two"]);
      req.end(JSON.stringify({ query: REGISTER, variables: registration(108) }));
    });
    expect([twice.status, JSON.parse(twice.body)]).toEqual([400, expected]);
    // On a query too: a client sending a broken key has a bug worth reporting.
    expect((await post(civil, { query: "{ me { role } }" }, { "idempotency-key": "k".repeat(256) })).status).toBe(400);
    expect(await counts()).toEqual(before);
  });

  it("keeps nothing of a request that never ran (variables refused): the corrected request runs under the same key", async () => {
    const before = await counts();
    const variables = registration(120);
    const wrong = await register(civil, "invalid-120", { input: { ...variables.input, members: "not a list" } });
    expect([wrong.status, wrong.body.data, wrong.body.errors?.map((e) => e.extensions?.code)]).toEqual([400, undefined, ["BAD_USER_INPUT"]]);
    expect(await counts()).toEqual(before);
    const right = await register(civil, "invalid-120", variables);
    expect([right.status, right.replayed, right.body.errors]).toEqual([200, null, undefined]);
  });

  it("accepts 255 printable ASCII characters, spaces and punctuation included", async () => {
    const key = `${" !~\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}".padEnd(200, "x")}${"y".repeat(55)}`.trimStart().padStart(255, "z");
    const variables = registration(109);
    const first = await register(civil, key, variables);
    expect([first.status, first.body.errors]).toEqual([200, undefined]);
    expect((await register(civil, key, variables)).replayed).toBe("true");
  });

  it("ignores the key on a query: it runs every time and nothing is stored", async () => {
    const before = await counts();
    const query = { query: "{ me { role organization { code } } }" };
    const a = await post(civil, query, { "idempotency-key": "query-110" });
    const b = await post(civil, query, { "idempotency-key": "query-110" });
    expect([a.status, a.replayed, a.body]).toEqual([200, null, { data: { me: { role: "CASEWORKER", organization: { code: "QX-MZJ" } } } }]);
    expect([b.status, b.replayed]).toEqual([200, null]);
    expect(await counts()).toEqual(before);
  });

  it("refuses a key on rotateFieldKeys (not one transaction) and on a persisted query sent without its text", async () => {
    const before = await counts();
    const rotate = await post(admin, { query: "mutation { rotateFieldKeys { active } }" }, { "idempotency-key": "rotate-111" });
    expect([rotate.status, rotate.body]).toEqual([
      400,
      { errors: [{ message: "rotateFieldKeys cannot be made retry-safe with an Idempotency-Key; send it without one", extensions: { code: "BAD_USER_INPUT", reason: "IDEMPOTENCY_NOT_SUPPORTED" } }] },
    ]);
    // Reached through a fragment, too.
    const viaFragment = await post(admin, { query: "mutation { ...R } fragment R on Mutation { rotateFieldKeys { active } }" }, { "idempotency-key": "rotate-111" });
    expect(viaFragment.body.errors?.[0]?.extensions?.reason).toBe("IDEMPOTENCY_NOT_SUPPORTED");
    const persisted = await post(civil, { extensions: { persistedQuery: { version: 1, sha256Hash: "0".repeat(64) } } }, { "idempotency-key": "persisted-111" });
    expect([persisted.status, persisted.body.errors?.[0]?.extensions?.reason]).toEqual([400, "IDEMPOTENCY_NOT_SUPPORTED"]);
    expect(await counts()).toEqual(before);
  });

  it("stores the response encrypted: the raw row holds no name, ID number or phone from it", async () => {
    const name = "示例密封";
    const variables = registration(112, name);
    const first = await register(civil, "sealed-112", variables);
    expect(first.text).toContain(name);
    const keyHash = t.cipher.blindIndex("sealed-112", "idempotency-key");
    const row = (await t.db.db.execute(sql`select * from idempotency_keys where key_hash = ${keyHash}`)) as unknown as { rows: Array<Record<string, unknown>> };
    expect(row.rows).toHaveLength(1);
    const raw = JSON.stringify(row.rows);
    const member = variables.input.members[0]!;
    for (const plain of [name, member.idNumber, member.phone, variables.input.address, "sealed-112"]) expect(raw).not.toContain(plain);
    // …and the sealed value is the response (the check above is not vacuous).
    const sealed = row.rows[0]!.response_enc as string;
    expect(sealed).toMatch(/^v1\./);
    expect(t.cipher.decrypt(sealed, ENCRYPTED_FIELDS.idempotencyResponse)).toContain(name);
  });

  it("keeps no result of a retryable failure: the failed run is rolled back, key included, and the retry runs", async () => {
    const variables = registration(113, "示例故障");
    // An unexpected database error in the middle of the mutation (INTERNAL_SERVER_ERROR, HTTP 200).
    await t.db.db.execute(sql.raw(`create function fail_113() returns trigger language plpgsql as $$ begin raise exception 'injected'; end $$`));
    await t.db.db.execute(sql.raw(`create trigger fail_113 before insert on persons for each row when (new.name = '示例故障') execute function fail_113()`));
    const before = await counts();
    const failed = await register(civil, "retryable-113", variables);
    expect([failed.status, failed.replayed, failed.body]).toEqual([200, null, { errors: [{ message: "Internal server error", path: ["registerHousehold"], extensions: { code: "INTERNAL_SERVER_ERROR" } }], data: null }]);
    expect(await counts()).toEqual(before);
    await t.db.db.execute(sql.raw(`drop trigger fail_113 on persons`));
    const retry = await register(civil, "retryable-113", variables);
    expect([retry.status, retry.replayed, retry.body.errors]).toEqual([200, null, undefined]);
    expect(await counts()).toEqual({ households: before.households + 1, persons: before.persons + 1, keys: before.keys + 1 });
  });

  it("answers a mutation whose commit fails with HTTP 500 and no data, keeps none of it, and runs its retry", async () => {
    const variables = registration(114);
    // Fires at COMMIT of the request's transaction, after the mutation and its result were written.
    await t.db.db.execute(sql.raw(`create function fail_114() returns trigger language plpgsql as $$ begin raise exception 'injected at commit'; end $$`));
    await t.db.db.execute(
      sql.raw(`create constraint trigger fail_114 after insert on households deferrable initially deferred for each row when (new.address = '${variables.input.address}') execute function fail_114()`),
    );
    const before = await counts();
    const failed = await register(civil, "commit-114", variables);
    expect([failed.status, failed.replayed, failed.body]).toEqual([500, null, { errors: [{ message: "Internal server error", extensions: { code: "INTERNAL_SERVER_ERROR" } }], data: null }]);
    expect(await counts()).toEqual(before);
    await t.db.db.execute(sql.raw(`drop trigger fail_114 on households`));
    const retry = await register(civil, "commit-114", variables);
    expect([retry.status, retry.replayed, retry.body.errors]).toEqual([200, null, undefined]);
    expect(await householdsAt(variables.input.address)).toBe(1);
  });

  it("replays a result whose first response was withheld because its access-log entry could not be written, logging the replay", async () => {
    const variables = registration(121);
    await t.db.db.execute(sql.raw(`create function fail_log_121() returns trigger language plpgsql as $$ begin raise exception 'injected'; end $$`));
    await t.db.db.execute(sql.raw(`create trigger fail_log_121 before insert on access_log for each row when (new.request_id like 'nolog-121-%') execute function fail_log_121()`));
    try {
      // Committed, but untraced: the response carries no data (as for any request whose log fails).
      const first = await register(civil, "log-121", variables, { "x-request-id": "nolog-121-first" });
      expect([first.body.data, first.body.errors?.map((e) => e.extensions?.code)]).toEqual([null, ["INTERNAL_SERVER_ERROR"]]);
      expect(await householdsAt(variables.input.address)).toBe(1);
      // A replay that cannot be logged is withheld too.
      const unlogged = await register(civil, "log-121", variables, { "x-request-id": "nolog-121-retry" });
      expect([unlogged.status, unlogged.replayed, unlogged.body]).toEqual([500, null, { errors: [{ message: "Internal server error", extensions: { code: "INTERNAL_SERVER_ERROR" } }] }]);
    } finally {
      await t.db.db.execute(sql.raw(`drop trigger if exists fail_log_121 on access_log`));
    }
    const retry = await register(civil, "log-121", variables, { "x-request-id": "idem-log-121" });
    expect([retry.status, retry.replayed, retry.body.errors]).toEqual([200, "true", undefined]);
    expect((retry.body.data!.registerHousehold as { household: { address: string } }).household.address).toBe(variables.input.address);
    const logged = await t.db.db.select({ operation: accessLog.operation }).from(accessLog).where(eq(accessLog.requestId, "idem-log-121"));
    expect(logged).toEqual([{ operation: "Mutation.registerHousehold (idempotent replay)" }]);
    expect(await householdsAt(variables.input.address)).toBe(1);
  });

  it("stores a domain refusal like any result: the retry replays the CONFLICT without running again", async () => {
    const taken = registration(115);
    await register(civil, "first-115", taken);
    const duplicate = await register(civil, "dup-115", taken);
    expect(duplicate.body.errors?.map((e) => e.extensions?.reason)).toEqual(["ID_NUMBER_REGISTERED"]);
    const before = await counts();
    const retry = await register(civil, "dup-115", taken);
    expect([retry.status, retry.replayed, retry.text]).toEqual([duplicate.status, "true", duplicate.text]);
    expect(await counts()).toEqual(before);
  });

  it("runs N parallel requests with one key exactly once; every one gets the same answer", async () => {
    const variables = registration(116);
    const before = await counts();
    const replies = await Promise.all(Array.from({ length: 8 }, () => register(civil, "parallel-116", variables)));
    expect(new Set(replies.map((r) => r.text)).size).toBe(1);
    expect(replies.map((r) => r.status)).toEqual(Array(8).fill(200));
    expect(replies.filter((r) => r.replayed === "true")).toHaveLength(7);
    expect(replies[0]!.body.errors).toBeUndefined();
    expect(await householdsAt(variables.input.address)).toBe(1);
    expect(await counts()).toEqual({ households: before.households + 1, persons: before.persons + 1, keys: before.keys + 1 });
  });

  it.runIf(kind === "postgres")("answers a retry that waits too long for the running first request IDEMPOTENCY_KEY_IN_FLIGHT with Retry-After, then replays", async () => {
    const variables = registration(117);
    // The first request takes 4 s inside its transaction; the suite's hub waits 2 s at most.
    await t.db.db.execute(sql.raw(`create function slow_117() returns trigger language plpgsql as $$ begin perform pg_sleep(4); return new; end $$`));
    await t.db.db.execute(sql.raw(`create trigger slow_117 before insert on households for each row when (new.address = '${variables.input.address}') execute function slow_117()`));
    try {
      const first = register(civil, "slow-117", variables);
      await new Promise((r) => setTimeout(r, 500));
      const started = Date.now();
      const early = await register(civil, "slow-117", variables);
      expect(Date.now() - started).toBeGreaterThanOrEqual(1_500);
      expect([early.status, early.retryAfter, early.body]).toEqual([
        409,
        "2",
        {
          errors: [
            {
              message: "the first request with this Idempotency-Key is still running; retry shortly for its result",
              extensions: { code: "CONFLICT", reason: "IDEMPOTENCY_KEY_IN_FLIGHT", retryAfterSeconds: 2 },
            },
          ],
        },
      ]);
      const original = await first;
      expect([original.status, original.replayed, original.body.errors]).toEqual([200, null, undefined]);
      const later = await register(civil, "slow-117", variables);
      expect([later.replayed, later.text]).toEqual(["true", original.text]);
      expect(await householdsAt(variables.input.address)).toBe(1);
    } finally {
      await t.db.db.execute(sql.raw(`drop trigger if exists slow_117 on households`));
    }
  });

  it("returns the original result to a retry after the hub restarted (acknowledgement lost in the restart)", async () => {
    const variables = registration(118);
    const first = await register(civil, "restart-118", variables);
    expect(first.body.errors).toBeUndefined();
    await t.restart();
    base = `http://127.0.0.1:${(await t.hub.listen(0, "127.0.0.1")).port}`;
    const retry = await register(civil, "restart-118", variables);
    expect([retry.status, retry.replayed, retry.text]).toEqual([200, "true", first.text]);
    expect(await householdsAt(variables.input.address)).toBe(1);
  });

  // Last: it moves the clock past every key's expiry, and the purge removes the keys of the tests above.
  it("forgets a key once it expires (the retry runs again) and purges expired rows", async () => {
    const variables = registration(119);
    const first = await register(civil, "expiry-119", variables);
    expect(first.body.errors).toBeUndefined();
    const stale = await counts();
    expect(stale.keys).toBeGreaterThan(1);
    clock += 24 * 3_600_000 + 1_000;
    const after = await register(civil, "expiry-119", variables);
    // It ran again — and found the number it registered a day ago.
    expect([after.replayed, after.body.errors?.map((e) => e.extensions?.reason)]).toEqual([null, ["ID_NUMBER_REGISTERED"]]);
    // The purge (at most once a minute, in the background) leaves only the key renewed just now.
    await vi.waitFor(async () => expect(await t.db.db.$count(idempotencyKeys)).toBe(1), { timeout: 10_000 });
    const [row] = await t.db.db.select({ createdAt: idempotencyKeys.createdAt, expiresAt: idempotencyKeys.expiresAt }).from(idempotencyKeys);
    expect([row!.createdAt.getTime(), row!.expiresAt.getTime() - row!.createdAt.getTime()]).toEqual([clock, 24 * 3_600_000]);
    expect((await register(civil, "expiry-119", variables)).text).toBe(after.text);
  });
});
