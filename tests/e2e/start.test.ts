import { spawn, type ChildProcessWithoutNullStreams } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { mintDevToken, readDevIssuers } from "../../src/auth/dev-issuer.js";
import { findDemoOrganization } from "../../src/demo/organizations.js";

// `npm start` as a user runs it: a fresh data directory, migrations, the demo district, a dev
// token, a query; then a restart on the same directory keeps the data and does not re-seed.

const root = path.resolve(import.meta.dirname, "../..");
const tsx = path.join(root, "node_modules", ".bin", "tsx");

interface Started {
  child: ChildProcessWithoutNullStreams;
  url: string;
  logs: Array<Record<string, unknown>>;
}

function start(dataDir: string): Promise<Started> {
  const child = spawn(tsx, ["src/main.ts"], {
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
  const dataDir = mkdtempSync(path.join(os.tmpdir(), "hub-e2e-"));
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

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

    const second = await start(dataDir);
    expect(second.logs.some((l) => l.msg === "demo district seeded (fictional households)")).toBe(false);
    expect(await countHouseholds(second.url)).toBe(total);
    expect(await stop(second.child)).toBe(0);
  });
});
