import { execFile } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { lockDataDir } from "../../src/db/lock.js";
import { accessLog, appendAccessEntries, appendChangeEntries, sequencePendingChanges, verifyAuditChains, type ChainStatus } from "../../src/audit/index.js";
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
      await handle.db.transaction((tx) => appendChangeEntries(tx, [changeEntry(), changeEntry({ sensitive: true })]));
      await sequencePendingChanges(handle.db, key);
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

  it("reports change entries committed but not yet chained on a line of their own (not a break: exit as before)", async () => {
    const handle = await openDatabase({ dataDir });
    try {
      await handle.db.transaction((tx) => appendChangeEntries(tx, [changeEntry(), changeEntry()]));
    } finally {
      await handle.close();
    }
    const run = await auditVerify({ DATA_DIR: dataDir });
    expect(run.stdout).toMatch(/^change_log: ok, 2 entries, .*\nchange_log: 2 entries pending since \d{4}-\d\d-\d\dT[\d:.]+Z, not yet chained \(the hub chains them when it next runs\)\n/m);
    // The access log's edit from the test before still breaks it: exit 1 as without the pending entries.
    expect(run.code).toBe(1);
  }, SLOW);

  it("exits 2 with the usage for an argument, before touching any database", async () => {
    const run = await auditVerify({ DATA_DIR: dataDir }, ["--repair"]);
    expect(run.code).toBe(2);
    expect(run.stdout).toBe("");
    expect(run.stderr).toContain("usage: npm run audit:verify");
  }, SLOW);

  it("exits 2 with one line, touching nothing, while another process (a running hub) has the data dir open", async () => {
    // This test process holds the lock, as a running hub would (and keeps refreshing it).
    const release = await lockDataDir(dataDir);
    try {
      const run = await auditVerify({ DATA_DIR: dataDir });
      expect(run.code).toBe(2);
      expect(run.stdout).toBe("");
      expect(run.stderr).toMatch(
        new RegExp(
          `^audit verification could not run: the embedded database in ${dataDir.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")} is in use by another process \\(a running hub\\?; its lock was refreshed \\d+ s ago\\): stop it first, or use PostgreSQL \\(DATABASE_URL\\) to run tools alongside the hub; a lock left by a crash is taken over after 10 s\n$`,
        ),
      );
      expect(existsSync(path.join(dataDir, "hub.lock"))).toBe(true);
    } finally {
      await release();
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
