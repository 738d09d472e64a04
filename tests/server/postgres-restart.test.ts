import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { pino } from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { devIssuerRegistry, loadOrCreateDevIssuers, mintDevToken } from "../../src/auth/dev-issuer.js";
import { openDatabase, type DbHandle } from "../../src/db/client.js";
import { migrateDatabase } from "../../src/db/migrate.js";
import { findDemoOrganization } from "../../src/demo/organizations.js";
import { seedDemoDistrict } from "../../src/demo/seed.js";
import { buildHubSchema } from "../../src/schema.js";
import { createHub, type Hub } from "../../src/server.js";
import { testCipher } from "../support/cipher.js";
import { AUDIENCE } from "../support/hub.js";
import { findPostgresBinaries, startThrowawayCluster, type ThrowawayCluster } from "../support/postgres-cluster.js";

// A PostgreSQL restart under a running hub (its own throwaway server, so the suite's shared one is
// untouched): while it is down every request is "retry" — HTTP 503, Retry-After, SERVICE_UNAVAILABLE —
// never INTERNAL_SERVER_ERROR in a 200, /readyz says unavailable, and once it is back the hub answers
// again without a restart of its own (the pool's dead connections also answer 503 until replaced).

describe.runIf(findPostgresBinaries() !== null)("a PostgreSQL restart under a running hub", () => {
  let cluster: ThrowawayCluster;
  let db: DbHandle;
  let hub: Hub;
  let url: string;
  let token: string;
  let keyDir: string;

  beforeAll(async () => {
    cluster = await startThrowawayCluster();
    const admin = new pg.Client({ connectionString: cluster.url });
    await admin.connect();
    await admin.query("create database hub");
    await admin.end();
    db = await openDatabase({ url: cluster.url.replace(/\/postgres$/, "/hub"), statementTimeoutMs: 5_000 });
    await migrateDatabase(db);
    const cipher = testCipher();
    await seedDemoDistrict(db.db, cipher);
    keyDir = mkdtempSync(path.join(os.tmpdir(), "hub-restart-"));
    const dev = await loadOrCreateDevIssuers(keyDir);
    hub = await createHub({
      schema: await buildHubSchema(),
      db,
      cipher,
      registry: devIssuerRegistry(dev),
      audience: AUDIENCE,
      clockToleranceSeconds: 30,
      introspection: false,
      logger: pino({ level: "silent" }),
    });
    url = (await hub.listen(0, "127.0.0.1")).url;
    token = await mintDevToken(dev, { org: findDemoOrganization("QX-MZJ")!, role: "CASEWORKER", audience: AUDIENCE });
  }, 120_000);
  afterAll(async () => {
    await hub?.stop();
    await db?.close();
    await cluster?.stop();
    if (keyDir) rmSync(keyDir, { recursive: true, force: true });
  });

  const ask = async () => {
    const res = await fetch(url, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${token}` },
      body: JSON.stringify({ query: "{ households(first: 2) { totalCount nodes { householdNo } } }" }),
    });
    return { status: res.status, retryAfter: res.headers.get("retry-after"), body: (await res.json()) as { data?: unknown; errors?: Array<{ extensions?: Record<string, unknown> }> } };
  };
  const isRetry = (a: Awaited<ReturnType<typeof ask>>) =>
    a.status === 503 && a.retryAfter === "2" && (a.body.data ?? null) === null && a.body.errors?.every((e) => e.extensions?.code === "SERVICE_UNAVAILABLE") === true;

  it("answers 503 SERVICE_UNAVAILABLE with Retry-After while the server is down, and recovers by itself", async () => {
    expect((await ask()).status).toBe(200);
    await cluster.restart(async () => {
      for (let i = 0; i < 3; i++) {
        const down = await ask();
        expect(isRetry(down), JSON.stringify(down)).toBe(true);
      }
      const ready = await fetch(url.replace(/\/graphql$/, "/readyz"));
      expect(ready.status).toBe(503);
    });
    // Back up: at most a few answers from dead pooled connections (503 as well), then the data.
    const answers: Array<Awaited<ReturnType<typeof ask>>> = [];
    for (let i = 0; i < 20; i++) {
      const a = await ask();
      answers.push(a);
      if (a.status === 200) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    const last = answers.at(-1)!;
    expect(last.status).toBe(200);
    expect(last.body.data).toMatchObject({ households: { totalCount: 320 } });
    expect(answers.slice(0, -1).every(isRetry), JSON.stringify(answers.slice(0, -1))).toBe(true);
  }, 60_000);
});
