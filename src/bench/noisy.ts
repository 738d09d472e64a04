import "reflect-metadata";
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { parse, validate } from "graphql";
import pg from "pg";
import { loadOrCreateDevIssuers, mintDevToken } from "../auth/dev-issuer.js";
import { findDemoOrganization } from "../demo/organizations.js";
import { buildHubSchema } from "../schema.js";
import { startBenchCluster, type BenchCluster } from "./cluster.js";
import { DEFAULT_OPERATION_LIMITS, operationLimitsRule } from "../shared/graphql/limits.js";

// `npm run bench:noisy`: one request can never starve the rest. A hub process (`src/main.ts`, as
// `npm start` runs it) serves a cheap query (`me`) to one client while another client sends, in a
// loop, the costliest query the operation limits still allow. Rounds alternate quiet and noisy
// phases (this machine's speed drifts), and the script prints the cheap query's p50/p95/p99 with and
// without the neighbour. `-- --postgres` runs the hub on a throwaway PostgreSQL (as bench:peer does),
// `-- --database-url URL` on that (empty) database.

const AUDIENCE = "qiaoxi-assistance-hub";

/** One alias of the heaviest page there is: 100 households with every member field. */
const HEAVY_ALIAS = (i: number) =>
  `h${i}: households(first: 100) { totalCount nodes { householdNo areaCode address housingSituation members { name idNumber phone birthDate sex relationToHead monthlyIncome } } }`;

/** As many heavy aliases as MAX_COST (and MAX_ALIASES) admit: the costliest query a caller can send. */
async function costliestAllowedQuery(): Promise<{ query: string; aliases: number }> {
  const schema = await buildHubSchema();
  let best: { query: string; aliases: number } | null = null;
  for (let n = 1; n <= DEFAULT_OPERATION_LIMITS.maxAliases + 1; n++) {
    const query = `{ ${Array.from({ length: n }, (_, i) => HEAVY_ALIAS(i)).join(" ")} }`;
    const errors = validate(schema, parse(query), [operationLimitsRule(DEFAULT_OPERATION_LIMITS)]);
    if (errors.length > 0) break;
    best = { query, aliases: n };
  }
  if (!best) throw new Error("not even one heavy alias passes the limits");
  return best;
}

interface Served {
  readonly url: string;
  readonly child: ChildProcess;
  readonly stop: () => Promise<void>;
}

async function startHub(dataDir: string, databaseUrl: string | undefined): Promise<Served> {
  const { DATABASE_URL: _inherited, ...env } = process.env;
  const child = spawn(process.execPath, [...(process.env.HUB_CPU_PROF ? ["--cpu-prof", `--cpu-prof-dir=${process.env.HUB_CPU_PROF}`] : []), "--import", "tsx", "src/main.ts"], {
    env: {
      ...env,
      NODE_ENV: "development",
      // The benchmark measures fairness, not the per-caller rate: its one cheap client sends far more than 600 a minute.
      REQUESTS_PER_MINUTE: "1000000",
      DATA_DIR: dataDir,
      PORT: "0",
      SEED_DEMO: "always",
      LOG_LEVEL: "info",
      ...(databaseUrl ? { DATABASE_URL: databaseUrl } : {}),
    },
    stdio: ["ignore", "pipe", "inherit"],
  });
  const url = await new Promise<string>((resolve, reject) => {
    let buffered = "";
    child.stdout!.on("data", (chunk: Buffer) => {
      buffered += chunk.toString("utf8");
      for (const line of buffered.split("\n")) {
        if (!line.includes("assistance hub ready")) continue;
        resolve((JSON.parse(line) as { url: string }).url);
      }
    });
    child.once("exit", (code) => reject(new Error(`hub exited with ${code} before it was ready`)));
  });
  child.stdout!.removeAllListeners("data");
  child.stdout!.on("data", (chunk: Buffer) => {
    // Warnings and errors of the hub go to the console; its request log does not.
    for (const line of chunk.toString("utf8").split("\n")) if (/"level":(40|50|60)/.test(line)) console.error(`hub: ${line}`);
  });
  child.once("exit", (code, signal) => {
    if (code !== 0 && signal !== "SIGTERM") console.error(`hub exited (code ${code}, signal ${signal})`);
  });
  return {
    url,
    child,
    stop: () =>
      new Promise((resolve) => {
        child.once("exit", () => resolve());
        child.kill("SIGTERM");
      }),
  };
}

function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

async function post(url: string, token: string, query: string): Promise<{ ms: number; status: number; bytes: number }> {
  const started = performance.now();
  const res = await fetch(url, { method: "POST", headers: { "content-type": "application/json", authorization: `Bearer ${token}` }, body: JSON.stringify({ query }) });
  const text = await res.text();
  return { ms: performance.now() - started, status: res.status, bytes: text.length };
}

async function run(): Promise<void> {
  const { values } = parseArgs({
    options: {
      "database-url": { type: "string" },
      postgres: { type: "boolean", default: false },
      rounds: { type: "string", default: "3" },
      samples: { type: "string", default: "150" },
      neighbours: { type: "string", default: "2" },
    },
    strict: true,
  });
  const rounds = Number(values.rounds);
  const samples = Number(values.samples);
  const neighbours = Number(values.neighbours);
  const home = mkdtempSync(path.join(os.tmpdir(), "hub-noisy-"));
  const dataDir = path.join(home, "data");
  const { query: heavy, aliases } = await costliestAllowedQuery();
  let cluster: BenchCluster | null = null;
  let databaseUrl = values["database-url"];
  if (values.postgres && !databaseUrl) {
    cluster = await startBenchCluster();
    const admin = new pg.Client({ connectionString: cluster.url });
    await admin.connect();
    await admin.query("create database noisy");
    await admin.end();
    databaseUrl = cluster.urlFor({ database: "noisy" });
  }
  const served = await startHub(dataDir, databaseUrl);
  try {
    const dev = await loadOrCreateDevIssuers(dataDir);
    const mint = (org: string, role: "CASEWORKER" | "ADMIN") => mintDevToken(dev, { org: findDemoOrganization(org)!, role, audience: AUDIENCE, ttlSeconds: 3600 });
    const quiet = await mint("QX-MZJ", "CASEWORKER");
    const noisy = await mint("QX-MZJ", "ADMIN");
    const probe = await post(served.url, noisy, heavy);
    if (probe.status !== 200) throw new Error(`the heaviest allowed query was refused (${probe.status})`);
    console.log(
      `hub on ${databaseUrl ? "PostgreSQL" : "embedded PGlite"}; neighbour: ${aliases} × households(first: 100) with every member field ` +
        `(${(probe.bytes / 1024).toFixed(0)} KB, ${probe.ms.toFixed(0)} ms alone), ${neighbours} loop(s); cheap query: { me { role } }`,
    );
    for (let i = 0; i < 20; i++) await post(served.url, quiet, "{ me { role } }");

    const quietTimes: number[] = [];
    const noisyTimes: number[] = [];
    let heavyDone = 0;
    let heavyRefused = 0;
    const measure = async (into: number[]) => {
      for (let i = 0; i < samples; i++) {
        const r = await post(served.url, quiet, "{ me { role } }");
        if (r.status !== 200) throw new Error(`me answered ${r.status}`);
        into.push(r.ms);
      }
    };
    for (let round = 0; round < rounds; round++) {
      await measure(quietTimes);
      let running = true;
      const loops = Array.from({ length: neighbours }, async () => {
        while (running) {
          const r = await post(served.url, noisy, heavy).catch((err: unknown) => {
            running = false;
            throw err;
          });
          if (r.status === 200) heavyDone++;
          else heavyRefused++;
        }
      });
      const settled = Promise.allSettled(loops);
      await new Promise((r) => setTimeout(r, 300));
      try {
        await measure(noisyTimes);
      } finally {
        running = false;
        const failed = (await settled).find((s) => s.status === "rejected");
        if (failed) throw (failed as PromiseRejectedResult).reason;
      }
    }
    const line = (label: string, times: number[]) => {
      const s = [...times].sort((a, b) => a - b);
      return `${label.padEnd(26)} p50 ${percentile(s, 50).toFixed(1).padStart(7)} ms   p95 ${percentile(s, 95).toFixed(1).padStart(7)} ms   p99 ${percentile(s, 99).toFixed(1).padStart(7)} ms   (${s.length} requests)`;
    };
    console.log(line("me, alone", quietTimes));
    console.log(line("me, beside the neighbour", noisyTimes));
    console.log(`neighbour: ${heavyDone} heavy queries answered, ${heavyRefused} refused (429/503) during the noisy phases`);
    const p95 = percentile([...noisyTimes].sort((a, b) => a - b), 95);
    console.log(`p95 beside the neighbour: ${p95.toFixed(1)} ms (target < 250 ms) → ${p95 < 250 ? "OK" : "OVER"}`);
  } finally {
    await served.stop();
    await cluster?.stop();
    rmSync(home, { recursive: true, force: true });
  }
}

run().catch((err: unknown) => {
  console.error(err);
  // Let a dying hub's last words (and its exit status) reach the console first.
  setTimeout(() => process.exit(1), 1_000);
});
