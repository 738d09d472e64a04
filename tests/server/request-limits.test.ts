import http from "node:http";
import { sql } from "drizzle-orm";
import { GraphQLObjectType, GraphQLSchema, GraphQLString, graphql } from "graphql";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { accessLog } from "../../src/db/schema.js";
import { formatHubError } from "../../src/server.js";
import { Deadline, guardResolversWithDeadline } from "../../src/shared/graphql/deadline.js";
import { RequestLimiter, callerKey, DEFAULT_REQUEST_LIMITS } from "../../src/shared/request-limiter.js";
import { readAccessPurpose } from "../../src/shared/purpose-header.js";
import { pino } from "pino";
import { databaseKinds } from "../support/databases.js";
import { startTestHub, type TestHub } from "../support/hub.js";

// No request starves the others: a per-request deadline, a response size cap, and per-caller budgets
// (a rate and a concurrency; per address without a token) answered 429 with Retry-After.

const HOUSEHOLDS = "{ households(first: 50) { nodes { householdNo address members { name idNumber } } } }";

interface Answer {
  status: number;
  headers: Headers;
  body: { data?: unknown; errors?: Array<{ message: string; extensions?: Record<string, unknown> }> };
}

/** One POST on a connection of its own (fetch may queue requests to one origin on fewer connections). */
function postOnOwnConnection(port: number, body: unknown, token: string): Promise<{ status: number; retryAfter: string | undefined; body: Answer["body"] }> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      { host: "127.0.0.1", port, path: "/graphql", method: "POST", agent: false, headers: { "content-type": "application/json", authorization: `Bearer ${token}` } },
      (res) => {
        let text = "";
        res.setEncoding("utf8");
        res.on("data", (c: string) => (text += c));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, retryAfter: res.headers["retry-after"], body: JSON.parse(text) as Answer["body"] }));
      },
    );
    req.on("error", reject);
    req.end(Buffer.from(JSON.stringify(body)));
  });
}

async function listening(t: TestHub): Promise<(body: unknown, token?: string | null, headers?: Record<string, string>) => Promise<Answer>> {
  const { url } = await t.hub.listen(0, "127.0.0.1");
  return async (body, token = null, headers = {}) => {
    const res = await fetch(url, {
      method: "POST",
      headers: { "content-type": "application/json", ...(token ? { authorization: `Bearer ${token}` } : {}), ...headers },
      body: JSON.stringify(body),
    });
    return { status: res.status, headers: res.headers, body: (await res.json()) as Answer["body"] };
  };
}

describe("per-caller request rate", () => {
  let t: TestHub;
  let post: Awaited<ReturnType<typeof listening>>;
  beforeAll(async () => {
    t = await startTestHub("pglite", { requestLimits: { perCallerPerMinute: 3, anonymousPerMinute: 2 } });
    post = await listening(t);
  });
  afterAll(() => t?.close());

  it("answers a caller's 4th request in a minute 429 with Retry-After and RATE_LIMITED; another caller is unaffected", async () => {
    const caseworker = await t.token("QX-MZJ", "CASEWORKER");
    for (let i = 0; i < 3; i++) expect((await post({ query: "{ me { role } }" }, caseworker)).status).toBe(200);
    const refused = await post({ query: "{ me { role } }" }, caseworker);
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get("retry-after"))).toBeGreaterThanOrEqual(1);
    expect(refused.body).toEqual({
      errors: [
        {
          message: expect.stringMatching(/^at most 3 requests a minute per caller; retry in \d+ s$/),
          extensions: { code: "RATE_LIMITED", reason: "REQUEST_RATE_LIMITED", limit: 3, retryAfterSeconds: expect.any(Number) },
        },
      ],
    });
    const other = await t.token("QX-MZJ", "APPROVER");
    const answered = await post({ query: "{ me { role } }" }, other);
    expect([answered.status, answered.body]).toEqual([200, { data: { me: { role: "APPROVER" } } }]);
  });

  it("counts requests without a valid token by address, with their own budget", async () => {
    const anonymous = [await post({ query: "{ __typename }" }), await post({ query: "{ __typename }" }, "not.a.token")];
    expect(anonymous.map((a) => a.status)).toEqual([200, 200]);
    const third = await post({ query: "{ __typename }" });
    expect(third.status).toBe(429);
    expect(third.body.errors?.[0]?.extensions).toMatchObject({ code: "RATE_LIMITED", reason: "REQUEST_RATE_LIMITED", limit: 2 });
    expect(third.body.errors?.[0]?.message).toMatch(/from one address without a token/);
  });
});

describe("per-caller concurrency", () => {
  it("counts requests in flight and frees the slot when each ends", () => {
    const limiter = new RequestLimiter({ ...DEFAULT_REQUEST_LIMITS, maxConcurrent: 2 });
    const a = callerKey({ orgCode: "QX-MZJ", subject: "u1" }, undefined);
    const b = callerKey({ orgCode: "QX-MZJ", subject: "u2" }, undefined);
    const leaveA1 = limiter.enterOrThrow(a);
    const leaveA2 = limiter.enterOrThrow(a);
    expect(() => limiter.enterOrThrow(a)).toThrow(expect.objectContaining({ code: "RATE_LIMITED", reason: "TOO_MANY_CONCURRENT_REQUESTS" }));
    expect(() => limiter.enterOrThrow(b)()).not.toThrow();
    leaveA1();
    leaveA1(); // a second call frees nothing more
    const leaveA3 = limiter.enterOrThrow(a);
    expect(() => limiter.enterOrThrow(a)).toThrow(expect.objectContaining({ reason: "TOO_MANY_CONCURRENT_REQUESTS" }));
    leaveA2();
    leaveA3();
    expect(() => limiter.enterOrThrow(a)).not.toThrow();
  });

  // On PostgreSQL, where requests overlap on the wire (the embedded database runs them one after another).
  it.runIf(databaseKinds().includes("postgres"))("answers requests over the caller's concurrency 429 over HTTP, and frees the slots afterwards", async () => {
    const t = await startTestHub("postgres", { requestLimits: { maxConcurrent: 1 } });
    try {
      const { port } = await t.hub.listen(0, "127.0.0.1");
      const token = await t.token("QX-MZJ", "CASEWORKER");
      const answers = await Promise.all(Array.from({ length: 6 }, () => postOnOwnConnection(port, { query: HOUSEHOLDS }, token)));
      const statuses = answers.map((a) => a.status);
      expect(statuses).toContain(200);
      expect(statuses).toContain(429);
      expect(statuses.every((s) => s === 200 || s === 429)).toBe(true);
      const refused = answers.find((a) => a.status === 429)!;
      expect(refused.body.errors?.[0]?.extensions).toMatchObject({ code: "RATE_LIMITED", reason: "TOO_MANY_CONCURRENT_REQUESTS", limit: 1 });
      expect(refused.retryAfter).toBe("1");
      // Every slot was released: one at a time, all answer.
      for (let i = 0; i < 3; i++) expect((await postOnOwnConnection(port, { query: "{ me { role } }" }, token)).status).toBe(200);
    } finally {
      await t.close();
    }
  });
});

describe("the request deadline", () => {
  it("stops a query past its deadline: data null, one DEADLINE_EXCEEDED, HTTP 503 with Retry-After; a mutation then writes nothing", async () => {
    const t = await startTestHub("pglite", { requestLimits: { timeoutMs: 0 } });
    try {
      const post = await listening(t);
      const token = await t.token("QX-MZJ", "CASEWORKER");
      const r = await post({ query: HOUSEHOLDS }, token);
      expect(r.status).toBe(503);
      expect(r.headers.get("retry-after")).toBe("2");
      expect(r.body).toEqual({
        data: null,
        errors: [
          {
            message: "the request ran longer than 0 ms and was stopped; ask for less, or retry later",
            extensions: { code: "DEADLINE_EXCEEDED", reason: "REQUEST_DEADLINE", limit: 0 },
          },
        ],
      });
      const before = await t.db.db.execute(sql`select count(*)::int as n from consents`);
      const m = await post(
        {
          query: `mutation ($input: RecordConsentInput!) { recordConsent(input: $input) { consent { id } } }`,
          variables: {
            input: {
              householdId: "00000000-0000-4000-8000-000000000000",
              recipientOrgCode: "QX-CF-01",
              categories: ["CONTACT"],
              evidenceRef: "form-1",
              purpose: "助学项目对接",
              expiresAt: "2030-01-01T00:00:00Z",
            },
          },
        },
        token,
      );
      expect(m.body.errors?.map((e) => e.extensions?.code)).toEqual(["DEADLINE_EXCEEDED"]);
      const after = await t.db.db.execute(sql`select count(*)::int as n from consents`);
      expect((after as { rows: unknown[] }).rows).toEqual((before as { rows: unknown[] }).rows);
    } finally {
      await t.close();
    }
  });

  // A schema of its own, with a clock the test moves: which resolvers check, and when.
  function clockSchema(clock: { now: number }, log: string[]) {
    const Leaf = new GraphQLObjectType({ name: "Leaf", fields: { v: { type: GraphQLString, resolve: () => (log.push("leaf"), "v") } } });
    const Payload = new GraphQLObjectType({
      name: "Payload",
      fields: { child: { type: Leaf, resolve: () => (log.push("child"), {}) }, name: { type: GraphQLString, resolve: () => (log.push("name"), "n") } },
    });
    const advancing = () => {
      clock.now += 100;
      log.push("root");
      return {};
    };
    return guardResolversWithDeadline(
      new GraphQLSchema({
        query: new GraphQLObjectType({ name: "Query", fields: { slow: { type: Payload, resolve: advancing }, other: { type: Payload, resolve: () => (log.push("other"), {}) } } }),
        mutation: new GraphQLObjectType({ name: "Mutation", fields: { write: { type: Payload, resolve: advancing }, again: { type: Payload, resolve: advancing } } }),
      }),
    );
  }

  it("checks root fields and object fields on entry, not scalars; a mutation's payload is answered past the deadline", async () => {
    const clock = { now: 0 };
    const log: string[] = [];
    const schema = clockSchema(clock, log);
    const deadline = Deadline.after(50, () => clock.now);
    const q = await graphql({ schema, source: "{ slow { name child { v } } other { name } }", contextValue: { deadline } });
    // slow ran (the clock passed the deadline inside it); its object child and the next root field did not start; the scalar did.
    expect(log).toEqual(["root", "name"]);
    expect(q.errors?.map((e) => [e.path?.join("."), (e.originalError as { reason?: string }).reason])).toEqual([
      ["slow.child", "REQUEST_DEADLINE"],
      ["other", "REQUEST_DEADLINE"],
    ]);

    log.length = 0;
    clock.now = 0;
    const m = await graphql({ schema, source: "mutation { write { name child { v } } again { name } }", contextValue: { deadline: Deadline.after(50, () => clock.now) } });
    // The first mutation committed past the deadline: its payload is answered whole; the second never starts.
    expect(log).toEqual(["root", "name", "child", "leaf"]);
    expect(m.data).toEqual({ write: { name: "n", child: { v: "v" } }, again: null });
    expect(m.errors?.map((e) => e.path?.join("."))).toEqual(["again"]);
  });

  it("wraps a schema once however often it is guarded", async () => {
    const clock = { now: 0 };
    const schema = clockSchema(clock, []);
    const resolve = schema.getQueryType()!.getFields().slow!.resolve;
    guardResolversWithDeadline(schema);
    expect(schema.getQueryType()!.getFields().slow!.resolve).toBe(resolve);
  });

  it("reports PostgreSQL's statement timeout (SQLSTATE 57014) as DEADLINE_EXCEEDED, never INTERNAL_SERVER_ERROR", () => {
    const cancelled = Object.assign(new Error("canceling statement due to statement timeout"), { code: "57014" });
    const wrapped = Object.assign(new Error('Failed query: select … from "persons"'), { cause: cancelled });
    expect(formatHubError({ message: "ignored", path: ["households"] }, wrapped, pino({ level: "silent" }), { maxTokens: 10_000, timeoutMs: 5_000 })).toEqual({
      message: "the request ran longer than 5000 ms and was stopped; ask for less, or retry later",
      path: ["households"],
      extensions: { code: "DEADLINE_EXCEEDED", reason: "REQUEST_DEADLINE", limit: 5_000 },
    });
  });
});

describe("the response size cap", () => {
  let t: TestHub;
  let post: Awaited<ReturnType<typeof listening>>;
  let token: string;
  beforeAll(async () => {
    t = await startTestHub("pglite", { requestLimits: { maxResponseBytes: 4_000 } });
    post = await listening(t);
    token = await t.token("QX-MZJ", "CASEWORKER");
  });
  afterAll(() => t?.close());

  it("answers a response over MAX_RESPONSE_BYTES with the refusal only", async () => {
    const r = await post({ query: HOUSEHOLDS }, token);
    expect([r.status, r.body]).toEqual([
      200,
      {
        data: null,
        errors: [
          {
            message: "the response is larger than 4000 bytes; ask for fewer records or fields",
            extensions: { code: "QUERY_TOO_COMPLEX", reason: "RESPONSE_TOO_LARGE", limit: 4_000 },
          },
        ],
      },
    ]);
    expect(r.headers.get("x-request-id")).toMatch(/^[0-9a-f-]{36}$/);
  });

  it("answers a response under the cap as usual", async () => {
    const r = await post({ query: "{ households(first: 2) { nodes { householdNo } } }" }, token);
    expect(r.status).toBe(200);
    expect((r.body.data as { households: { nodes: unknown[] } }).households.nodes).toHaveLength(2);
  });
});

describe("X-Access-Purpose", () => {
  it("reads percent-encoded UTF-8, and raw UTF-8 bytes, cut and checked by character", () => {
    const latin1 = (s: string) => Buffer.from(s, "utf8").toString("latin1");
    expect(readAccessPurpose(encodeURIComponent("低保复核"), 200)).toEqual({ ok: true, purpose: "低保复核" });
    expect(readAccessPurpose(latin1("低保复核"), 200)).toEqual({ ok: true, purpose: "低保复核" });
    expect(readAccessPurpose("annual review", 200)).toEqual({ ok: true, purpose: "annual review" });
    expect(readAccessPurpose(undefined, 200)).toEqual({ ok: true, purpose: null });
    expect(readAccessPurpose("  ", 200)).toEqual({ ok: true, purpose: null });
    expect(readAccessPurpose(encodeURIComponent("复".repeat(200)), 200)).toEqual({ ok: true, purpose: "复".repeat(200) });
    expect(readAccessPurpose(encodeURIComponent("𠀀".repeat(200)), 200)).toEqual({ ok: true, purpose: "𠀀".repeat(200) });
    const refusals: Array<[string | string[], RegExp]> = [
      [encodeURIComponent("复".repeat(201)), /at most 200 characters/],
      ["%E4%BD", /not valid percent-encoded UTF-8/],
      ["%ED%A0%80", /not valid percent-encoded UTF-8/], // a lone surrogate, encoded
      ["\xff\xfe", /is not UTF-8/],
      ["%07bell", /one line of printable characters/],
      ["a%0Ab", /one line of printable characters/],
      [["a", "b"], /sent once/],
    ];
    for (const [header, message] of refusals) {
      const read = readAccessPurpose(header, 200);
      expect(read.ok, String(header)).toBe(false);
      expect((read as { message: string }).message).toMatch(message);
    }
  });

  it("stores a purpose sent as raw UTF-8 or percent-encoded as written, and refuses a malformed one with 400", async () => {
    const t = await startTestHub("pglite");
    try {
      const { port } = await t.hub.listen(0, "127.0.0.1");
      const token = await t.token("QX-MZJ", "CASEWORKER");
      const send = (purpose: string, requestId: string) =>
        new Promise<{ status: number; body: string }>((resolve, reject) => {
          const body = JSON.stringify({ query: "{ households(first: 1) { nodes { householdNo } } }" });
          const req = http.request(
            {
              host: "127.0.0.1",
              port,
              path: "/graphql",
              method: "POST",
              headers: { "content-type": "application/json", authorization: `Bearer ${token}`, "x-request-id": requestId, "x-access-purpose": purpose },
            },
            (res) => {
              let text = "";
              res.setEncoding("utf8");
              res.on("data", (c: string) => (text += c));
              res.on("end", () => resolve({ status: res.statusCode ?? 0, body: text }));
            },
          );
          req.on("error", reject);
          // A Buffer: with a string body Node writes the header block in the body's encoding (UTF-8),
          // which would encode the Latin-1 view of the raw bytes a second time.
          req.end(Buffer.from(body));
        });
      const raw = await send(Buffer.from("低保复核", "utf8").toString("latin1"), "req-purpose-raw");
      expect([raw.status, raw.body]).toEqual([200, expect.any(String)]);
      expect((await send(encodeURIComponent("低保年度复核"), "req-purpose-pct")).status).toBe(200);
      const bad = await send("%E4%BD", "req-purpose-bad");
      expect(bad.status).toBe(400);
      expect(JSON.parse(bad.body)).toEqual({
        errors: [
          {
            message: "X-Access-Purpose is not valid percent-encoded UTF-8 (send encodeURIComponent of the purpose)",
            extensions: { code: "BAD_REQUEST", reason: "INVALID_ACCESS_PURPOSE" },
          },
        ],
      });
      const rows = await t.db.db
        .select({ requestId: accessLog.requestId, purpose: accessLog.purpose })
        .from(accessLog)
        .where(sql`${accessLog.requestId} like 'req-purpose-%'`)
        .orderBy(accessLog.requestId);
      expect(rows).toEqual([
        { requestId: "req-purpose-pct", purpose: "低保年度复核" },
        { requestId: "req-purpose-raw", purpose: "低保复核" },
      ]);
    } finally {
      await t.close();
    }
  });
});
