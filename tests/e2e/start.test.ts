import { spawn, type ChildProcessWithoutNullStreams } from "node:child_process";
import { readFileSync } from "node:fs";
import { mkdtempSync, rmSync, statSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { DirectoryCheckpointSink, loadCheckpointEvidence, reviewCheckpoints, readSigningKeyFile } from "../../src/audit/index.js";
import { mintDevToken, readDevIssuers } from "../../src/auth/dev-issuer.js";
import { findDemoOrganization } from "../../src/demo/organizations.js";

// `npm start` as a user runs it: a fresh data directory, migrations, the demo district, a dev
// token, a query; then a restart on the same directory keeps the data and does not re-seed. Each stop
// signs a final audit checkpoint, beside the data directory.

const root = path.resolve(import.meta.dirname, "../..");
// The start script's own command line (`node <flags> --import tsx src/main.ts`), with this node.
const startArgs = (JSON.parse(readFileSync(path.join(root, "package.json"), "utf8")) as { scripts: { start: string } }).scripts.start.split(/\s+/);
if (startArgs[0] !== "node") throw new Error(`the start script must run node, not ${startArgs[0]}`);

interface Started {
  child: ChildProcessWithoutNullStreams;
  url: string;
  logs: Array<Record<string, unknown>>;
}

function start(dataDir: string): Promise<Started> {
  const child = spawn(process.execPath, startArgs.slice(1), {
    cwd: root,
    env: { PATH: process.env.PATH, DATA_DIR: dataDir, PORT: "0", HOST: "127.0.0.1", LOG_LEVEL: "info" },
  });
  const logs: Array<Record<string, unknown>> = [];
  return new Promise((resolve, reject) => {
    let buffered = "";
    let stderr = "";
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    child.stdout.on("data", (d: Buffer) => {
      buffered += d.toString();
      let nl: number;
      while ((nl = buffered.indexOf("\n")) >= 0) {
        const line = buffered.slice(0, nl);
        buffered = buffered.slice(nl + 1);
        try {
          const entry = JSON.parse(line) as Record<string, unknown>;
          logs.push(entry);
          if (entry.msg === "assistance hub ready") resolve({ child, url: entry.url as string, logs });
        } catch {
          // not a log line
        }
      }
    });
    child.on("exit", (code) => reject(new Error(`hub exited with ${code}: ${stderr}`)));
  });
}

function stop(child: ChildProcessWithoutNullStreams): Promise<number | null> {
  return new Promise((resolve) => {
    child.removeAllListeners("exit");
    child.on("exit", (code) => resolve(code));
    child.kill("SIGTERM");
  });
}

describe("npm start on an empty data directory", () => {
  const tmp = mkdtempSync(path.join(os.tmpdir(), "hub-e2e-"));
  const dataDir = path.join(tmp, "data");
  afterAll(() => rmSync(tmp, { recursive: true, force: true }));

  async function countHouseholds(url: string): Promise<number> {
    const dev = readDevIssuers(dataDir)!;
    const token = await mintDevToken(dev, { org: findDemoOrganization("QX-MZJ")!, role: "CASEWORKER", audience: "qiaoxi-assistance-hub" });
    const res = await fetch(url, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${token}` },
      body: JSON.stringify({ query: "{ households(first: 1) { totalCount } }" }),
    });
    const body = (await res.json()) as { data: { households: { totalCount: number } } };
    return body.data.households.totalCount;
  }

  it("seeds the demo district, answers a token's query, stops on SIGTERM, and restarts without re-seeding", async () => {
    const first = await start(dataDir);
    expect(first.logs.some((l) => l.msg === "demo district seeded (fictional households)")).toBe(true);
    const ready = first.logs.find((l) => l.msg === "assistance hub ready")!;
    expect(ready).toMatchObject({ database: "pglite", startupMs: expect.any(Number) });
    const total = await countHouseholds(first.url);
    expect(total).toBeGreaterThanOrEqual(300);
    expect(await stop(first.child)).toBe(0);

    // The development signing key was created beside DATA_DIR, owner-only; the stop signed the heads.
    const audit = path.join(tmp, "data-audit");
    const key = readSigningKeyFile(path.join(audit, "signing-key.pem"));
    expect(statSync(path.join(audit, "signing-key.pem")).mode & 0o777).toBe(0o600);
    expect(ready.auditCheckpoints).toEqual({ dir: path.join(audit, "checkpoints"), keyId: key.keyId, intervalSeconds: 300, timestamped: false });
    const sink = new DirectoryCheckpointSink(path.join(audit, "checkpoints"));
    const accessSeqs = async () =>
      reviewCheckpoints(await loadCheckpointEvidence(sink)).map((r) => [r.ref, r.problem, r.checkpoint?.content.keyId, r.checkpoint?.content.heads[0]!.lastSeq]);
    // One request read household data: one access entry, signed at the stop.
    expect(await accessSeqs()).toEqual([["checkpoints.jsonl:1", null, key.keyId, 1]]);

    const second = await start(dataDir);
    expect(second.logs.some((l) => l.msg === "demo district seeded (fictional households)")).toBe(false);
    expect(await countHouseholds(second.url)).toBe(total);
    expect(await stop(second.child)).toBe(0);
    expect(await accessSeqs()).toEqual([
      ["checkpoints.jsonl:1", null, key.keyId, 1],
      ["checkpoints.jsonl:2", null, key.keyId, 2],
    ]);
  });
});
