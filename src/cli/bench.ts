import "reflect-metadata";
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { pino } from "pino";
import { AccessRecorder } from "../audit/index.js";
import { devIssuerRegistry, loadOrCreateDevIssuers, mintDevToken } from "../auth/dev-issuer.js";
import type { HubContext } from "../context.type.js";
import { openDatabase, type DbHandle } from "../db/client.js";
import { migrateDatabase } from "../db/migrate.js";
import { findDemoOrganization } from "../demo/organizations.js";
import { seedDemoDistrict } from "../demo/seed.js";
import type { DataCategory } from "../privacy/categories.js";
import { FieldCipher } from "../privacy/crypto.js";
import { Projector, Sealed, type EntityCatalogue, type FullFields, type Grant, type View } from "../privacy/project.js";
import { buildHubSchema } from "../schema.js";
import { createHub, type Hub } from "../server.js";

// `npm run bench`: what the policy costs on the hub's heaviest common read, "50 cases with household
// and members", through the real Apollo pipeline on the embedded PGlite, file-backed as `npm start` runs
// it (in a temporary directory; `-- --in-memory` for an in-memory one, `-- --database-url` for PostgreSQL).
//
//   (a) the real path: the context hub.contextFor builds (projection + access-log write);
//   (b) the same data path with projection and audit bypassed — by objects defined in THIS FILE only
//       (a projector that copies source values, revealing sealed ones so both variants decrypt, and a
//       recorder that records nothing, so the access-log plugin writes nothing);
//   (c) projection on, access log off: splits (a)−(b) into projection and audit.
//
// No production switch turns the policy off: the bypass exists only here.

const QUERY = /* GraphQL */ `
  {
    cases(first: 50) {
      nodes {
        caseNo type status monthlyBenefit
        household { householdNo address members { name idNumber phone birthDate monthlyIncome } }
      }
    }
  }
`;
const TARGET_RATIO = 1.15;
const AUDIENCE = "qiaoxi-assistance-hub-bench";

/** Bench only: every field as stored, no decisions, no disclosures recorded. */
class UnprojectedProjector extends Projector {
  override project<S extends object>(catalogue: EntityCatalogue<S>, source: S, grant: Grant): View<S> {
    const out: Record<string, unknown> = {};
    for (const field of Object.keys(catalogue.fields)) {
      const raw = (source as Record<string, unknown>)[field];
      out[field] = (raw instanceof Sealed ? raw.reveal() : raw) ?? null;
    }
    out.redactions = [];
    out.grant = grant;
    return out as View<S>;
  }
}

/** Bench only: a recorder that stays empty, so the access-log plugin has nothing to write. */
class SilentRecorder extends AccessRecorder {
  override projected(_entityType: string, _entityId: string, _householdId: string | null, _fullFields: FullFields): void {}
  override disclosed(_entityType: string, _entityId: string, _householdId: string | null, _categoriesFull: readonly DataCategory[]): void {}
  override denied(_entityType: string, _detail: string, _entityId?: string, _householdId?: string): void {}
}

type Variant = "a" | "b" | "c";
const VARIANTS: readonly Variant[] = ["a", "b", "c"];
const LABELS: { readonly [V in Variant]: string } = {
  a: "(a) projection + access log (real path)",
  b: "(b) no projection, no access log",
  c: "(c) projection, no access log",
};

async function contextFor(hub: Hub, variant: Variant, authorization: string): Promise<HubContext> {
  const real = await hub.contextFor(authorization);
  if (variant === "a") return real;
  // Built like createContext (fresh loaders, same caller), with the bench-local stand-ins swapped in.
  const audit = new SilentRecorder();
  const projector = variant === "b" ? new UnprojectedProjector(real.principal!) : new Projector(real.principal!, audit);
  return { ...real, viewer: { ...real.viewer!, projector, audit }, audit };
}

function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

function median(sorted: readonly number[]): number {
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

async function run(): Promise<void> {
  const { values } = parseArgs({
    options: {
      iterations: { type: "string", default: "600" },
      warmup: { type: "string", default: "50" },
      // An EMPTY PostgreSQL database to run on instead of PGlite (it gets migrated and seeded).
      "database-url": { type: "string" },
      "in-memory": { type: "boolean", default: false },
    },
    strict: true,
  });
  const iterations = Number(values.iterations);
  const warmup = Number(values.warmup);
  if (!Number.isInteger(iterations) || iterations < 1 || !Number.isInteger(warmup) || warmup < 0) {
    throw new TypeError("usage: npm run bench -- [--iterations N] [--warmup N] [--in-memory | --database-url URL]");
  }

  let statements = 0;
  const keyDir = mkdtempSync(path.join(os.tmpdir(), "hub-bench-"));
  const url = values["database-url"];
  const dataDir = url || values["in-memory"] ? undefined : path.join(keyDir, "pglite");
  let db: DbHandle | undefined;
  try {
    db = await openDatabase({ url, dataDir, onQuery: () => void statements++ });
    await migrateDatabase(db);
    const cipher = new FieldCipher({ activeKeyId: "kbench", keys: new Map([["kbench", randomBytes(32)]]), blindIndexKey: randomBytes(32), auditKey: randomBytes(32) });
    const seeded = await seedDemoDistrict(db.db, cipher);
    const dev = await loadOrCreateDevIssuers(keyDir);
    const hub = await createHub({
      schema: await buildHubSchema(),
      db,
      cipher,
      registry: devIssuerRegistry(dev),
      audience: AUDIENCE,
      clockToleranceSeconds: 30,
      introspection: false,
      logger: pino({ level: "silent" }),
    });
    const org = findDemoOrganization("QX-MZJ")!;
    const authorization = `Bearer ${await mintDevToken(dev, { org, role: "CASEWORKER", audience: AUDIENCE, ttlSeconds: 3600 })}`;

    const execute = async (variant: Variant) => {
      const contextValue = await contextFor(hub, variant, authorization);
      const response = await hub.apollo.executeOperation({ query: QUERY }, { contextValue });
      if (response.body.kind !== "single" || response.body.singleResult.errors) {
        throw new Error(`variant ${variant} failed: ${JSON.stringify(response.body.kind === "single" ? response.body.singleResult.errors : "incremental")}`);
      }
      return response.body.singleResult.data;
    };

    // The bypass must read the same data: a caseworker of civil affairs sees all of it in full.
    const reference = JSON.stringify(await execute("a"));
    for (const v of VARIANTS) {
      if (JSON.stringify(await execute(v)) !== reference) throw new Error(`variant ${v} returned different data from the real path`);
    }
    const sqlPerRequest = {} as Record<Variant, number>;
    for (const v of VARIANTS) {
      statements = 0;
      await execute(v);
      sqlPerRequest[v] = statements;
    }

    for (let i = 0; i < warmup; i++) await execute(VARIANTS[i % VARIANTS.length]!);
    const samples: Record<Variant, number[]> = { a: [], b: [], c: [] };
    const started = performance.now();
    // Rotate the variant each request (a b c, b c a, c a b, …) so drift and ordering effects cancel.
    for (let i = 0; i < iterations; i++) {
      for (let j = 0; j < VARIANTS.length; j++) {
        const v = VARIANTS[(i + j) % VARIANTS.length]!;
        const t0 = performance.now();
        await execute(v);
        samples[v].push(performance.now() - t0);
      }
    }
    const wallSeconds = (performance.now() - started) / 1000;

    const stats = Object.fromEntries(
      VARIANTS.map((v) => {
        const sorted = [...samples[v]].sort((x, y) => x - y);
        const mean = sorted.reduce((s, x) => s + x, 0) / sorted.length;
        return [v, { median: median(sorted), p95: percentile(sorted, 95), mean, throughput: 1000 / mean }];
      }),
    ) as Record<Variant, { median: number; p95: number; mean: number; throughput: number }>;

    const out = (line = "") => process.stdout.write(`${line}\n`);
    const ms = (x: number) => x.toFixed(2).padStart(8);
    out(`bench: "50 cases with household and members" as QX-MZJ CASEWORKER on ${db.kind === "postgres" ? "PostgreSQL" : dataDir ? "file-backed PGlite (as npm start)" : "in-memory PGlite"}`);
    out(`       demo district: ${seeded.households} households, ${seeded.persons} persons, ${seeded.cases} cases`);
    out(`       ${iterations} measured requests per variant (variants rotated), ${warmup} warm-up, ${wallSeconds.toFixed(1)} s`);
    out();
    out(`${"variant".padEnd(42)}${"median ms".padStart(10)}${"p95 ms".padStart(10)}${"req/s".padStart(9)}${"SQL/req".padStart(9)}`);
    for (const v of VARIANTS) {
      const s = stats[v];
      out(`${LABELS[v].padEnd(42)}${ms(s.median).padStart(10)}${ms(s.p95).padStart(10)}${s.throughput.toFixed(1).padStart(9)}${String(sqlPerRequest[v]).padStart(9)}`);
    }
    out();
    const ratio = stats.a.median / stats.b.median;
    const verdict = ratio <= TARGET_RATIO ? "within target" : "ABOVE target";
    out(`ratio (a)/(b), medians: ${ratio.toFixed(3)} (${((ratio - 1) * 100).toFixed(1)}% slower; target ≤ ${((TARGET_RATIO - 1) * 100).toFixed(0)}%: ${verdict})`);
    out(`ratio (a)/(b), means:   ${(stats.a.mean / stats.b.mean).toFixed(3)}`);
    out(`ratio (a)/(b), p95:     ${(stats.a.p95 / stats.b.p95).toFixed(3)}`);
    const projection = stats.c.median - stats.b.median;
    const accessLog = stats.a.median - stats.c.median;
    out(
      `where the time goes (medians): projection (c)−(b) = ${projection.toFixed(2)} ms/request; ` +
        `access-log write (a)−(c) = ${accessLog.toFixed(2)} ms/request, ${sqlPerRequest.a - sqlPerRequest.c} extra SQL statements ` +
        "(the request's one hash-chained row, committed before the response; the writer keeps the chain head in memory)",
    );
    await hub.stop();
  } finally {
    await db?.close();
    rmSync(keyDir, { recursive: true, force: true });
  }
}

run().catch((error: unknown) => {
  process.stderr.write(`bench failed: ${(error as Error).stack ?? String(error)}\n`);
  process.exitCode = 1;
});
