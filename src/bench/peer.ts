import "reflect-metadata";
import { execFileSync, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { parseArgs } from "node:util";
import pg from "pg";
import { loadOrCreateDevIssuers, mintDevToken } from "../auth/dev-issuer.js";
import { openDatabase, type DbHandle } from "../db/client.js";
import { migrateDatabase } from "../db/migrate.js";
import { findDemoOrganization } from "../demo/organizations.js";
import { FieldCipher, writeFieldKeyFile, type FieldKeys } from "../privacy/crypto.js";
import { areaPrefix } from "../shared/area.js";
import type { Usage } from "./child.js";
import { startBenchCluster, type BenchCluster } from "./cluster.js";
import { sealedDistrict, seedBenchDistrict, type BenchSeedCounts, type SealedDistrict } from "./district.js";
import { median, percentile, runLoad, type LoadRequest, type LoadResult } from "./load.js";
import { summarizeProfile, type CpuProfile } from "./profile.js";
import { ServerProcess, spawnServerChild } from "./server-process.js";
import type { HubChildConfig } from "./servers/hub.js";
import type { PostGraphileChildConfig } from "./servers/postgraphile.js";
import type { RawChildConfig } from "./servers/raw.js";
import {
  BenchCheckError,
  compareRecordSets,
  HUB_QUERIES,
  memberOrder,
  PAGE_SIZE,
  postgraphileQuery,
  QUERY_NAMES,
  recordsFrom,
  type OpenSealed,
  type PeerName,
  type QueryName,
} from "./workload.js";

// `npm run bench:peer`: the hub against its peers on the same database and the same records.
//
//   1. a throwaway PostgreSQL (pg_stat_statements preloaded), migrated and seeded with the demo district
//      through the hub's own seed path (GB 11643 checks, sealed ID numbers and phones); --large: 100,000
//      households from the same generator, bulk-inserted (district.ts);
//   2. three servers, each in its own process and database role: the hub (the real path: a dev-issuer
//      caseworker token verified per request, projection, the access log written before each response,
//      the request log at info level to /dev/null), PostGraphile v5 and a bare json_agg handler — and with
//      --embedded the hub on file-backed PGlite, as `npm start` runs it;
//   3. a check that all of them return the same records (workload.ts says exactly what is compared); any
//      difference stops the run before any load, and the check runs again after the load;
//   4. interleaved load rounds (hub, postgraphile, raw, [embedded], then the next round …), so that drift
//      of the machine's speed hits every peer alike; medians over the rounds; ratios per round (measured
//      minutes apart), then their median.
//   --profile instead profiles the hub under the same load and prints where its CPU time goes.
//
// Per request, for each server: req/s and latency percentiles from every response (load.ts); CPU from
// the server process itself (process.cpuUsage over IPC, all threads: child.ts); PostgreSQL's CPU from
// /proc of the backends serving that server's role; SQL statements from pg_stat_statements by role
// (top-level statements, BEGIN/COMMIT included) — the server counts nothing itself, except the hub on
// PGlite, which has no pg_stat_statements and counts what it sends.
//
// Not measured as production would be: the load generator runs in this process, on the same 2 cores as
// the servers and PostgreSQL (its share is printed); the throwaway cluster runs without fsync (commits
// are cheap — the hub's per-request access-log insert is its only write); the hub's checkpoint timer is
// off (it works every few minutes, not per request).

const HERE = path.dirname(fileURLToPath(import.meta.url));
const SRC = path.resolve(HERE, "..");
const AUDIENCE = "qiaoxi-assistance-hub";
const POOL_SIZE = 10;
const TARGETS = { postgraphile: 0.75, raw: 0.35 } as const;
const LARGE_HOUSEHOLDS = 100_000;

type ServerName = "hub" | "postgraphile" | "raw" | "embedded" | "small";
const LABELS: { readonly [S in ServerName]: string } = {
  hub: "hub (PostgreSQL)",
  postgraphile: "PostGraphile 5",
  raw: "raw json_agg",
  embedded: "hub (embedded PGlite)",
  small: "hub (small district)",
};
/** --large: the hub's 50-case p95 on the large district within this factor of the small district's … */
const SCALE_P95_TARGET = 1.2;
/** … and the hub process's resident set at most this (MB). */
const RSS_TARGET_MB = 250;
/** The database role each server connects as: pg_stat_statements and pg_stat_activity tell them apart by it. */
const ROLES: { readonly [S in ServerName]?: string } = { hub: "bench_hub", postgraphile: "bench_postgraphile", raw: "bench_raw" };

const DESCRIPTIONS: { readonly [Q in QueryName]: string } = {
  cases: "the caseworker's 50 cases with household and members",
  needs: "the caseworker's 50 needs with household and members",
};

interface Options {
  readonly rounds: number;
  readonly duration: number;
  readonly warmup: number;
  readonly connections: number;
  readonly embedded: boolean;
  readonly profile: boolean;
  readonly large: boolean;
  readonly org: string;
  readonly queries: readonly QueryName[];
}

const USAGE =
  "usage: npm run bench:peer -- [--rounds N (3)] [--duration S (10)] [--warmup S (2)] [--connections N (10)] " +
  "[--embedded] [--profile] [--large] [--org CODE (QX-JD-DF)] [--query cases|needs]";

function parseOptions(): Options {
  const { values } = parseArgs({
    options: {
      rounds: { type: "string", default: "3" },
      duration: { type: "string", default: "10" },
      warmup: { type: "string", default: "2" },
      connections: { type: "string", default: "10" },
      embedded: { type: "boolean", default: false },
      profile: { type: "boolean", default: false },
      large: { type: "boolean", default: false },
      org: { type: "string", default: "QX-JD-DF" },
      query: { type: "string", multiple: true },
      help: { type: "boolean", default: false },
    },
    strict: true,
  });
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    process.exit(0);
  }
  const int = (name: string, raw: string, min: number) => {
    const n = Number(raw);
    if (!Number.isInteger(n) || n < min) throw new TypeError(`--${name} must be an integer ≥ ${min}\n${USAGE}`);
    return n;
  };
  const queries = (values.query ?? [...QUERY_NAMES]).map((q) => {
    if (!(QUERY_NAMES as readonly string[]).includes(q)) throw new TypeError(`--query must be cases or needs\n${USAGE}`);
    return q as QueryName;
  });
  return {
    rounds: int("rounds", values.rounds, 1),
    duration: int("duration", values.duration, 1),
    warmup: int("warmup", values.warmup, 0),
    connections: int("connections", values.connections, 1),
    embedded: values.embedded,
    profile: values.profile,
    large: values.large,
    org: values.org,
    queries: [...new Set(queries)],
  };
}

// --- the servers ------------------------------------------------------------------------------------

class Server extends ServerProcess {
  constructor(
    readonly name: ServerName,
    readonly peer: PeerName,
    child: ChildProcess,
  ) {
    super(LABELS[name], child);
  }
}

async function startServer(name: ServerName, peer: PeerName, entry: string, config: unknown, preload: readonly string[] = []): Promise<Server> {
  const server = new Server(name, peer, spawnServerChild(entry, config, { hub: peer === "hub", preload }));
  server.port = (await server.ask("ready")).port;
  return server;
}

// --- measurement --------------------------------------------------------------------------------------

const CLOCK_TICKS = (() => {
  try {
    return Number(execFileSync("getconf", ["CLK_TCK"], { encoding: "utf8" }).trim()) || 100;
  } catch {
    return 100;
  }
})();

/** User + system CPU of a process, ms (from /proc; null once it is gone). */
function processCpuMs(pid: number): number | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    // Fields 14 and 15 of stat (utime, stime): the 12th and 13th after the command name.
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLOCK_TICKS;
  } catch {
    return null;
  }
}

class DatabaseStats {
  constructor(private readonly client: pg.Client) {}

  /** Statements the role has completed (pg_stat_statements, top level, utility statements such as BEGIN included). */
  async statements(role: string): Promise<number> {
    const { rows } = await this.client.query<{ n: string }>(
      "select coalesce(sum(s.calls), 0)::bigint as n from pg_stat_statements s join pg_roles r on r.oid = s.userid where r.rolname = $1",
      [role],
    );
    return Number(rows[0]!.n);
  }

  /** Completed calls per statement (normalised text) of the role. */
  async breakdown(role: string): Promise<Map<string, { calls: number; query: string }>> {
    const { rows } = await this.client.query<{ id: string; calls: string; query: string }>(
      "select s.queryid::text as id, s.calls::bigint as calls, s.query from pg_stat_statements s join pg_roles r on r.oid = s.userid where r.rolname = $1",
      [role],
    );
    return new Map(rows.map((r) => [r.id, { calls: Number(r.calls), query: r.query }]));
  }

  /** CPU ms of each backend process serving the role now. */
  async backendCpu(role: string): Promise<Map<number, number>> {
    const { rows } = await this.client.query<{ pid: number }>("select pid from pg_stat_activity where usename = $1", [role]);
    const out = new Map<number, number>();
    for (const { pid } of rows) {
      const ms = processCpuMs(pid);
      if (ms !== null) out.set(pid, ms);
    }
    return out;
  }
}

interface Snapshot {
  readonly usage: Usage;
  readonly statements: number | null;
  readonly backends: Map<number, number> | null;
}

async function snapshot(server: Server, stats: DatabaseStats): Promise<Snapshot> {
  const role = ROLES[server.name];
  const usage = await server.usage();
  return {
    usage,
    statements: role ? await stats.statements(role) : usage.statements,
    backends: role ? await stats.backendCpu(role) : null,
  };
}

interface Sample {
  readonly rps: number;
  readonly p50: number;
  readonly p95: number;
  readonly p99: number;
  readonly cpuMsPerRequest: number;
  readonly dbCpuMsPerRequest: number | null;
  readonly sqlPerRequest: number | null;
  /** This process's CPU (the load generator's) during the window, as a share of one core. */
  readonly clientCpuShare: number;
  readonly load: LoadResult;
}

function measured(before: Snapshot, after: Snapshot, load: LoadResult, clientCpuMicros: number): Sample {
  const served = after.usage.served - before.usage.served;
  let dbCpu: number | null = null;
  if (before.backends && after.backends) {
    // Backends that started during the window count from zero; one that ended takes its last reading with it.
    dbCpu = 0;
    for (const [pid, ms] of after.backends) dbCpu += ms - (before.backends.get(pid) ?? 0);
  }
  return {
    rps: load.responses / load.seconds,
    p50: percentile(load.latenciesMs, 50),
    p95: percentile(load.latenciesMs, 95),
    p99: percentile(load.latenciesMs, 99),
    cpuMsPerRequest: (after.usage.cpuMicros - before.usage.cpuMicros) / 1000 / served,
    dbCpuMsPerRequest: dbCpu === null ? null : dbCpu / served,
    sqlPerRequest: after.statements === null || before.statements === null ? null : (after.statements - before.statements) / served,
    clientCpuShare: clientCpuMicros / 1000 / (load.seconds * 1000),
    load,
  };
}

// --- the run --------------------------------------------------------------------------------------------

const out = (line = "") => process.stdout.write(`${line}\n`);
/** Progress, on stderr: the report on stdout stays clean. */
const progress = (line: string) => process.stderr.write(`  … ${line}\n`);
const fmt = (x: number | null, digits = 2) => (x === null || Number.isNaN(x) ? "—" : x.toFixed(digits));

async function run(): Promise<void> {
  const options = parseOptions();
  const org = findDemoOrganization(options.org);
  if (!org || !org.roles.includes("CASEWORKER")) throw new TypeError(`--org must be a demo organization with caseworkers (QX-MZJ, QX-JD-DF, QX-JD-HP), not ${options.org}`);
  const prefix = areaPrefix(org.jurisdictionAreaCode);
  const households = options.large ? LARGE_HOUSEHOLDS : undefined;

  const tmp = mkdtempSync(path.join(os.tmpdir(), "hub-bench-peer-"));
  const servers: Server[] = [];
  let cluster: BenchCluster | undefined;
  let statsClient: pg.Client | undefined;
  const cleanup = async () => {
    await Promise.allSettled(servers.map((s) => s.stop()));
    await statsClient?.end().catch(() => {});
    await cluster?.stop();
    rmSync(tmp, { recursive: true, force: true });
  };
  process.once("SIGINT", () => {
    void cleanup().finally(() => process.exit(130));
  });
  try {
    const started = performance.now();
    const keys: FieldKeys = { activeKeyId: "kbench", keys: new Map([["kbench", randomBytes(32)]]), blindIndexKey: randomBytes(32), auditKey: randomBytes(32) };
    const fieldKeyFile = path.join(tmp, "field-keys.json");
    writeFieldKeyFile(fieldKeyFile, keys);
    const cipher = new FieldCipher(keys);
    const open: OpenSealed = (value, context) => cipher.decrypt(value, context);
    const devIssuerDir = path.join(tmp, "dev-issuers");
    const dev = await loadOrCreateDevIssuers(devIssuerDir);

    // 1. The database, seeded through the hub's seed path.
    progress("starting a throwaway PostgreSQL");
    cluster = await startBenchCluster();
    const admin = new pg.Client({ connectionString: cluster.url });
    admin.on("error", (e) => progress(`admin connection: ${e.message}`));
    await admin.connect();
    await admin.query("create database bench");
    for (const role of Object.values(ROLES)) await admin.query(`create role ${role} login`);
    const version = (await admin.query<{ v: string }>("select current_setting('server_version') as v")).rows[0]!.v.split(" ")[0];
    await admin.end();
    const benchUrl = cluster.urlFor({ database: "bench" });
    let large: SealedDistrict | undefined;
    let generateSeconds = 0;
    if (households) {
      progress(`generating, checking and sealing ${households} households`);
      const t0 = performance.now();
      large = sealedDistrict(cipher, households);
      generateSeconds = (performance.now() - t0) / 1000;
    }
    progress("migrating and seeding");
    const seeded = await seedInto(await openDatabase({ url: benchUrl }), cipher, large);
    // --large: the small district too, in its own database on the same cluster, for the scale comparison.
    const smallUrl = cluster.urlFor({ database: "bench_small" });
    if (large) {
      progress("seeding the small district beside it");
      const smallAdmin = new pg.Client({ connectionString: cluster.url });
      await smallAdmin.connect();
      await smallAdmin.query("create database bench_small");
      await smallAdmin.end();
      await seedInto(await openDatabase({ url: smallUrl }), cipher, undefined);
      const grants = new pg.Client({ connectionString: smallUrl });
      await grants.connect();
      await grants.query(`grant select, insert, update, delete on all tables in schema public to ${ROLES.hub}`);
      await grants.query(`grant usage, select, update on all sequences in schema public to ${ROLES.hub}`);
      await grants.query("analyze");
      await grants.end();
    }
    statsClient = new pg.Client({ connectionString: benchUrl });
    await statsClient.connect();
    await statsClient.query("create extension if not exists pg_stat_statements");
    await statsClient.query(`grant select, insert, update, delete on all tables in schema public to ${ROLES.hub}`);
    await statsClient.query(`grant usage, select, update on all sequences in schema public to ${ROLES.hub}`);
    await statsClient.query(`grant select on all tables in schema public to ${ROLES.postgraphile}, ${ROLES.raw}`);
    await statsClient.query("analyze");
    const stats = new DatabaseStats(statsClient);
    let embeddedSeconds: number | null = null;
    const dataDir = path.join(tmp, "pglite");
    if (options.embedded) {
      progress("seeding the embedded PGlite copy");
      const t0 = performance.now();
      await seedInto(await openDatabase({ dataDir }), cipher, large);
      embeddedSeconds = (performance.now() - t0) / 1000;
    }
    const setupSeconds = (performance.now() - started) / 1000;

    progress("starting the servers");
    // 2. The servers, one process each, started one after another (so none slows another's start-up).
    const hubConfig = { fieldKeyFile, devIssuerDir, audience: AUDIENCE, poolSize: POOL_SIZE };
    servers.push(await startServer("hub", "hub", "hub.ts", { ...hubConfig, databaseUrl: cluster.urlFor({ database: "bench", user: ROLES.hub }) } satisfies HubChildConfig));
    if (!options.profile) {
      const withResolvers = pathToFileURL(path.join(HERE, "with-resolvers.mjs")).href;
      servers.push(
        await startServer("postgraphile", "postgraphile", "postgraphile.ts", { databaseUrl: cluster.urlFor({ database: "bench", user: ROLES.postgraphile }), poolSize: POOL_SIZE } satisfies PostGraphileChildConfig, [withResolvers]),
      );
      servers.push(await startServer("raw", "raw", "raw.ts", { databaseUrl: cluster.urlFor({ database: "bench", user: ROLES.raw }), areaPrefix: prefix, poolSize: POOL_SIZE } satisfies RawChildConfig));
    }
    if (options.embedded) servers.push(await startServer("embedded", "hub", "hub.ts", { ...hubConfig, dataDir } satisfies HubChildConfig));
    if (large && !options.profile) {
      servers.push(await startServer("small", "hub", "hub.ts", { ...hubConfig, databaseUrl: cluster.urlFor({ database: "bench_small", user: ROLES.hub }) } satisfies HubChildConfig));
    }

    const token = await mintDevToken(dev, { org, role: "CASEWORKER", audience: AUDIENCE, ttlSeconds: 8 * 3600 });
    const requestFor = (server: Server, q: QueryName): LoadRequest => {
      const base = `http://127.0.0.1:${server.port}`;
      const headers = { "content-type": "application/json" };
      switch (server.peer) {
        case "hub":
          return { url: `${base}/graphql`, headers: { ...headers, authorization: `Bearer ${token}` }, body: JSON.stringify({ query: HUB_QUERIES[q] }) };
        case "postgraphile":
          return { url: `${base}/graphql`, headers, body: JSON.stringify({ query: postgraphileQuery(q, prefix) }) };
        case "raw":
          // The same body as the hub's, which this peer ignores: it only reads the path.
          return { url: `${base}/raw/${q}`, headers, body: JSON.stringify({ query: HUB_QUERIES[q] }) };
      }
    };

    out(`bench:peer — the hub against PostGraphile 5 and a bare json_agg handler, same PostgreSQL ${version}, same records`);
    out(
      `  data: ${seeded.households} households, ${seeded.persons} persons, ${seeded.cases} cases, ${seeded.needs} needs ` +
        `(${options.large ? `demo generator at --large, generated, checked and sealed in ${generateSeconds.toFixed(1)} s, bulk-inserted` : "demo district, seeded through the hub's seedDemoDistrict"} in ${seeded.seconds.toFixed(1)} s` +
        `${embeddedSeconds !== null ? `, PGlite copy in ${embeddedSeconds.toFixed(1)} s` : ""}; set-up ${setupSeconds.toFixed(1)} s)`,
    );
    out(`  caller: ${org.code} CASEWORKER (${org.nameEn}), record scope area_code LIKE '${prefix}%', a dev-issuer token; projection and access log on`);
    out(`  node ${process.version}, ${os.cpus().length} CPUs (${os.cpus()[0]?.model.trim() ?? "?"}); load generator (autocannon) in this process`);
    out();

    // 3. The same records from every server, or no load at all.
    const checkAll = async (when: string) => {
      for (const q of options.queries) {
        const bodies = await Promise.all(servers.map(async (s) => {
          const r = requestFor(s, q);
          const res = await fetch(r.url, { method: "POST", headers: r.headers, body: r.body });
          if (res.status !== 200) throw new BenchCheckError(`${LABELS[s.name]} answered ${q} with HTTP ${res.status}: ${(await res.text()).slice(0, 300)}`);
          return res.json() as Promise<unknown>;
        }));
        const records = servers.map((s, i) => recordsFrom(s.peer, q, bodies[i], open));
        const reference = records[0]!;
        const small = servers.findIndex((s) => s.name === "small");
        if (small >= 0 && records[small]!.length !== PAGE_SIZE) throw new BenchCheckError(`${when}: the small-district hub returned ${records[small]!.length} ${q}, not ${PAGE_SIZE}`);
        // An empty page would make every peer "the same": the caller must see a full page.
        if (reference.length !== PAGE_SIZE) throw new BenchCheckError(`${when}: the hub returned ${reference.length} ${q}, not ${PAGE_SIZE}: choose an --org whose area holds more`);
        const lines: string[] = [];
        servers.forEach((s, i) => {
          // The small-district hub answers from other data: it is compared with no one.
          if (i === 0 || s.name === "small") return;
          const diff = compareRecordSets(reference, records[i]!);
          if (diff.length) throw new BenchCheckError(`${when}: ${LABELS[s.name]} did not return the hub's ${q}:\n  ${diff.join("\n  ")}`);
          const order = JSON.stringify(memberOrder(records[i]!)) === JSON.stringify(memberOrder(reference)) ? "members in the hub's order" : "members as the same set (own order)";
          lines.push(`${LABELS[s.name]} the same (${order})`);
        });
        const members = reference.reduce((n, r) => n + (r.household?.members.length ?? 0), 0);
        if (when === "check") out(`check ${q}: hub ${reference.length} records, ${members} members${lines.length ? `; ${lines.join("; ")}` : " (profile mode: the hub alone)"}`);
      }
    };
    await checkAll("check");
    out();

    if (options.profile) {
      for (const [i, hub] of servers.entries()) {
        if (i > 0) out();
        await profileHub(hub, options, requestFor);
      }
      return;
    }

    // 4. Interleaved rounds.
    const samples = new Map<string, Sample[]>();
    const key = (q: QueryName, s: ServerName) => `${q}/${s}`;
    const roundsStarted = performance.now();
    // The hub's statements per request, per query: calls in its measured windows over requests served in them.
    const hubStatements = new Map<QueryName, { served: number; calls: Map<string, { calls: number; query: string }> }>();
    for (let round = 1; round <= options.rounds; round++) {
      for (const q of options.queries) {
        for (const server of servers) {
          const request = requestFor(server, q);
          if (options.warmup > 0) await runLoad(request, { connections: options.connections, seconds: options.warmup });
          const statementsBefore = server.name === "hub" ? await stats.breakdown(ROLES.hub!) : null;
          const before = await snapshot(server, stats);
          const clientBefore = process.cpuUsage();
          const load = await runLoad(request, { connections: options.connections, seconds: options.duration });
          const client = process.cpuUsage(clientBefore);
          const after = await snapshot(server, stats);
          if (statementsBefore) {
            const tally = hubStatements.get(q) ?? { served: 0, calls: new Map() };
            tally.served += after.usage.served - before.usage.served;
            for (const [id, { calls, query }] of await stats.breakdown(ROLES.hub!)) {
              const delta = calls - (statementsBefore.get(id)?.calls ?? 0);
              if (delta > 0) tally.calls.set(id, { calls: (tally.calls.get(id)?.calls ?? 0) + delta, query });
            }
            hubStatements.set(q, tally);
          }
          const sample = measured(before, after, load, client.user + client.system);
          if (load.non2xx || load.errors || load.timeouts || load.minBytes !== load.maxBytes) {
            out(`  ! round ${round} ${q} ${LABELS[server.name]}: ${load.non2xx} non-2xx, ${load.errors} errors, ${load.timeouts} timeouts, responses ${load.minBytes}–${load.maxBytes} bytes`);
          }
          samples.set(key(q, server.name), [...(samples.get(key(q, server.name)) ?? []), sample]);
          process.stderr.write(`  round ${round}/${options.rounds} ${q} ${LABELS[server.name].padEnd(22)} ${sample.rps.toFixed(0).padStart(6)} req/s\n`);
        }
      }
    }
    const minutes = (performance.now() - roundsStarted) / 60_000;
    // The answers are still the same after the load (the access log grew; nothing else may change).
    await checkAll("after the load");

    out(`${options.rounds} interleaved rounds × ${options.duration} s per server and query (${options.warmup} s warm-up before each), ${options.connections} connections, ${minutes.toFixed(1)} min`);
    for (const q of options.queries) {
      out();
      out(`${q} — "${DESCRIPTIONS[q]}" (medians over rounds)`);
      out(
        `${"server".padEnd(24)}${"req/s".padStart(8)}${"p50 ms".padStart(9)}${"p95 ms".padStart(9)}${"p99 ms".padStart(9)}` +
          `${"CPU ms/req".padStart(12)}${"DB CPU ms/req".padStart(15)}${"SQL/req".padStart(9)}${"gen CPU".padStart(9)}   req/s by round`,
      );
      for (const server of servers) {
        const s = samples.get(key(q, server.name))!;
        const m = (f: (x: Sample) => number | null) => {
          const values = s.map(f).filter((x): x is number => x !== null);
          return values.length ? median(values) : null;
        };
        out(
          `${LABELS[server.name].padEnd(24)}${fmt(m((x) => x.rps), 0).padStart(8)}${fmt(m((x) => x.p50)).padStart(9)}${fmt(m((x) => x.p95)).padStart(9)}` +
            `${fmt(m((x) => x.p99)).padStart(9)}${fmt(m((x) => x.cpuMsPerRequest)).padStart(12)}${(server.name === "embedded" ? "in process" : fmt(m((x) => x.dbCpuMsPerRequest))).padStart(15)}` +
            `${fmt(m((x) => x.sqlPerRequest)).padStart(9)}${`${fmt(m((x) => 100 * x.clientCpuShare), 0)}%`.padStart(9)}   ${s.map((x) => x.rps.toFixed(0)).join(" ")}`,
        );
      }
      /** Median over rounds of a(round) ÷ b(round): both measured minutes apart, in the same round. */
      const ratio = (a: ServerName, b: ServerName, f: (x: Sample) => number) => {
        const bs = samples.get(key(q, b))!;
        return median(samples.get(key(q, a))!.map((x, i) => f(x) / f(bs[i]!)));
      };
      const pg5 = ratio("hub", "postgraphile", (x) => x.rps);
      const raw = ratio("hub", "raw", (x) => x.rps);
      out(
        `ratios (req/s, median of the per-round ratios): hub ÷ PostGraphile = ${pg5.toFixed(2)} (target ≥ ${TARGETS.postgraphile}: ${pg5 >= TARGETS.postgraphile ? "met" : "not met"}), ` +
          `hub ÷ raw = ${raw.toFixed(2)} (target ≥ ${TARGETS.raw}: ${raw >= TARGETS.raw ? "met" : "not met"})`,
      );
      out(
        `CPU per request (server process): hub ÷ PostGraphile = ${ratio("hub", "postgraphile", (x) => x.cpuMsPerRequest).toFixed(2)}, ` +
          `hub ÷ raw = ${ratio("hub", "raw", (x) => x.cpuMsPerRequest).toFixed(2)}`,
      );
      if (options.embedded) out(`embedded: hub on PGlite ÷ hub on PostgreSQL = ${ratio("embedded", "hub", (x) => x.rps).toFixed(2)} (req/s)`);
      if (servers.some((s) => s.name === "small")) {
        const scale = ratio("hub", "small", (x) => x.p95);
        out(
          `scale: hub p95 on ${seeded.households} households ÷ on the small district = ${scale.toFixed(2)} ` +
            `(target ≤ ${SCALE_P95_TARGET}: ${scale <= SCALE_P95_TARGET ? "met" : "not met"}), median of the per-round ratios`,
        );
      }
    }
    out();
    const memory = await Promise.all(servers.filter((s) => s.peer === "hub").map(async (s) => [s, await s.usage()] as const));
    out(
      `hub RSS (most over the run / now, MB): ${memory
        .map(([s, u]) => `${LABELS[s.name]} ${(u.maxRssBytes / 2 ** 20).toFixed(0)} / ${(u.rssBytes / 2 ** 20).toFixed(0)}`)
        .join("; ")} — target ≤ ${RSS_TARGET_MB} MB: ${memory.every(([, u]) => u.maxRssBytes / 2 ** 20 <= RSS_TARGET_MB) ? "met" : "not met"}`,
    );
    out();
    for (const [q, tally] of hubStatements) {
      out(`the hub's statements per ${q} request (pg_stat_statements, its measured windows: ${tally.served} requests)`);
      const rows = [...tally.calls.values()].map(({ calls, query }) => ({ perRequest: calls / tally.served, query })).sort((a, b) => b.perRequest - a.perRequest);
      for (const r of rows) {
        if (r.perRequest >= 0.01) out(`${r.perRequest.toFixed(2).padStart(6)}  ${r.query.replace(/\s+/g, " ").slice(0, 130)}`);
      }
    }
    out();
    out("CPU ms/req: the server process's user+system CPU (all its threads) over the requests it served in the window.");
    out("DB CPU ms/req: the PostgreSQL backends serving that server's role (/proc). SQL/req: statements the role completed");
    out("(pg_stat_statements, top-level, BEGIN/COMMIT included); on PGlite, the statements the hub sent (drizzle's logger and its direct path).");
    out("gen CPU: the load generator's own CPU (this process) in the window, % of one core — on 2 cores it competes with the server and PostgreSQL.");
  } finally {
    await cleanup();
  }
}

async function seedInto(handle: DbHandle, cipher: FieldCipher, large: SealedDistrict | undefined): Promise<BenchSeedCounts & { seconds: number }> {
  try {
    const t0 = performance.now();
    await migrateDatabase(handle);
    const counts = await seedBenchDistrict(handle, cipher, large);
    return { ...counts, seconds: (performance.now() - t0) / 1000 };
  } finally {
    await handle.close();
  }
}

async function profileHub(hub: Server, options: Options, requestFor: (s: Server, q: QueryName) => LoadRequest): Promise<void> {
  const INTERVAL_MICROS = 200;
  out(`profile: ${LABELS[hub.name]} under the same load (${options.connections} connections, ${options.duration} s per query, V8 sampling every ${INTERVAL_MICROS} µs)`);
  out("self time: a function's own time, natives and node's buffer/event plumbing charged to their caller; ms/req = share of the");
  out("main thread's samples × the process's CPU per request; the profiler itself slows the hub a little");
  for (const q of options.queries) {
    const request = requestFor(hub, q);
    if (options.warmup > 0) await runLoad(request, { connections: options.connections, seconds: options.warmup });
    const file = path.join(os.tmpdir(), `hub-bench-profile-${process.pid}-${q}.cpuprofile`);
    const before = await hub.usage();
    await hub.ask("profile-started", { type: "profile-start", intervalMicros: INTERVAL_MICROS });
    const load = await runLoad(request, { connections: options.connections, seconds: options.duration });
    await hub.ask("profile-stopped", { type: "profile-stop", file });
    const after = await hub.usage();
    // A profile of refusals (429, 503) is not a profile of the data path.
    if (load.non2xx || load.errors || load.timeouts || load.minBytes !== load.maxBytes) {
      throw new BenchCheckError(
        `profile ${q}: ${load.non2xx} non-2xx, ${load.errors} errors, ${load.timeouts} timeouts, responses ${load.minBytes}–${load.maxBytes} bytes — not the answer the check saw`,
      );
    }
    const served = after.served - before.served;
    const summary = summarizeProfile(JSON.parse(readFileSync(file, "utf8")) as CpuProfile, SRC);
    rmSync(file, { force: true });
    // The samples are wall-clock slices of the main thread (on 2 cores it is sometimes descheduled): their
    // shares are what the profile tells; ms/req spreads the process's measured CPU per request by them.
    const cpuPerRequest = (after.cpuMicros - before.cpuMicros) / 1000 / served;
    const perRequest = (ms: number) => (ms / summary.busyMs) * cpuPerRequest;
    out();
    out(
      `${q} — "${DESCRIPTIONS[q]}": ${served} requests, ${(load.responses / load.seconds).toFixed(0)} req/s under the profiler, ` +
        `process CPU ${fmt(cpuPerRequest)} ms/req`,
    );
    out(`${"group".padEnd(34)}${"ms/req".padStart(9)}${"share".padStart(8)}`);
    for (const g of summary.groups) {
      if (g.ms / summary.busyMs < 0.002) continue;
      out(`${g.name.padEnd(34)}${perRequest(g.ms).toFixed(3).padStart(9)}${`${((100 * g.ms) / summary.busyMs).toFixed(1)}%`.padStart(8)}`);
    }
    out();
    out(`${"top functions by self time".padEnd(86)}${"ms/req".padStart(8)}  group`);
    for (const f of summary.functions.slice(0, 25)) {
      out(`  ${f.name.slice(0, 84).padEnd(84)}${perRequest(f.ms).toFixed(3).padStart(8)}  ${f.group}`);
    }
  }
}

run().catch((error: unknown) => {
  const e = error as Error;
  process.stderr.write(`bench:peer failed: ${e instanceof BenchCheckError || e instanceof TypeError ? e.message : (e.stack ?? String(e))}\n`);
  process.exitCode = 1;
});
