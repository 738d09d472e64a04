import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { accessLog, appendAccessEntries, appendChangeEntries, verifyAuditChains, type ChainStatus } from "../../src/audit/index.js";
import { loadOrCreateDevFieldKeys } from "../../src/privacy/crypto.js";
import { openDatabase } from "../../src/db/client.js";
import { migrateDatabase } from "../../src/db/migrate.js";
import { accessEntries, changeEntry } from "./entries.js";

// `npm run audit:verify` as an operator runs it, against a PGlite data dir. Each PGlite open of the dir
// costs seconds: one to write the streams, one to tamper, and one per CLI run.

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const TSX = path.join(ROOT, "node_modules/.bin/tsx");
const CLI = path.join(ROOT, "src/cli/audit-verify.ts");
const SLOW = 120_000;

interface Run {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

function auditVerify(env: Record<string, string>, args: string[] = []): Promise<Run> {
  return new Promise((resolve) => {
    execFile(TSX, [CLI, ...args], { cwd: ROOT, env: { PATH: process.env.PATH ?? "", ...env } }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === "number" ? error.code : -1) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}

describe("npm run audit:verify", () => {
  let tmp: string;
  let dataDir: string;
  let anchor: ChainStatus[];

  beforeAll(async () => {
    tmp = mkdtempSync(path.join(os.tmpdir(), "audit-verify-"));
    dataDir = path.join(tmp, "data");
    const handle = await openDatabase({ dataDir });
    // The hub keys its chains with the audit key in DATA_DIR's field-key file; write as it does.
    const key = loadOrCreateDevFieldKeys(dataDir).keys.auditKey;
    try {
      await migrateDatabase(handle);
      await appendAccessEntries(handle.db, accessEntries(2), key);
      await appendAccessEntries(handle.db, accessEntries(3), key);
      await handle.db.transaction((tx) => appendChangeEntries(tx, [changeEntry(), changeEntry({ sensitive: true })], key));
      anchor = await verifyAuditChains(handle.db, { key });
    } finally {
      await handle.close();
    }
  }, SLOW);
  afterAll(() => rmSync(tmp, { recursive: true, force: true }));

  it("prints one ok line per stream with its head and exits 0", async () => {
    const run = await auditVerify({ DATA_DIR: dataDir });
    expect(run).toEqual({
      code: 0,
      stdout:
        `access_log: ok, 5 entries, head seq 5 ${anchor[0]!.lastHash}, no checkpoint\n` +
        `change_log: ok, 2 entries, head seq 2 ${anchor[1]!.lastHash}, no checkpoint\n` +
        `checkpoints: none in ${path.join(tmp, "data-audit", "checkpoints")}\n`,
      stderr: "",
    });
  }, SLOW);

  it("reports a row edited behind the trigger as BROKEN at its seq and exits 1", async () => {
    const handle = await openDatabase({ dataDir });
    try {
      await handle.db.execute(sql`ALTER TABLE access_log DISABLE TRIGGER access_log_append_only`);
      await handle.db.update(accessLog).set({ operation: "Query.cases" }).where(eq(accessLog.seq, 3));
    } finally {
      await handle.close();
    }
    const run = await auditVerify({ DATA_DIR: dataDir });
    expect(run).toEqual({
      code: 1,
      stdout:
        "access_log: BROKEN at seq 3 (HASH_MISMATCH), 5 entries, no checkpoint\n" +
        `change_log: ok, 2 entries, head seq 2 ${anchor[1]!.lastHash}, no checkpoint\n` +
        `checkpoints: none in ${path.join(tmp, "data-audit", "checkpoints")}\n`,
      stderr: "",
    });
  }, SLOW);

  it("exits 2 with the usage for an argument, before touching any database", async () => {
    const run = await auditVerify({ DATA_DIR: dataDir }, ["--repair"]);
    expect(run.code).toBe(2);
    expect(run.stdout).toBe("");
    expect(run.stderr).toContain("usage: npm run audit:verify");
  }, SLOW);

  it("exits 2 with one line, touching nothing, while another process (a running hub) has the data dir open", async () => {
    // The lock names this test process: alive, and not the CLI.
    writeFileSync(path.join(dataDir, "hub.lock"), `${process.pid}\n`);
    try {
      const run = await auditVerify({ DATA_DIR: dataDir });
      expect(run).toEqual({
        code: 2,
        stdout: "",
        stderr: `audit verification could not run: the embedded database in ${dataDir} is in use by process ${process.pid} (a running hub?): stop it first, or use PostgreSQL (DATABASE_URL) to run tools alongside the hub\n`,
      });
      expect(readFileSync(path.join(dataDir, "hub.lock"), "utf8")).toBe(`${process.pid}\n`);
    } finally {
      rmSync(path.join(dataDir, "hub.lock"));
    }
  }, SLOW);

  it("exits 2 with one line and no stack for invalid configuration", async () => {
    const run = await auditVerify({ DATABASE_URL: "not a url" });
    expect(run).toEqual({
      code: 2,
      stdout: "",
      stderr: "audit verification could not run: invalid configuration: DATABASE_URL: Invalid URL\n",
    });
  }, SLOW);
});
