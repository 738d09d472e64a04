import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDatabase } from "../../src/db/client.js";
import { DatabaseInUseError, LOCK_FILE, lockDataDir } from "../../src/db/lock.js";

// One process per embedded data directory: PGlite itself does not refuse a second instance.

describe("the data-directory lock", () => {
  let tmp: string;
  beforeAll(() => {
    tmp = mkdtempSync(path.join(os.tmpdir(), "hub-lock-"));
  });
  afterAll(() => rmSync(tmp, { recursive: true, force: true }));

  const dir = (name: string) => path.join(tmp, name);

  it("refuses a second open of a PGlite data dir while the first is open, and allows it after close", async () => {
    const first = await openDatabase({ dataDir: dir("pglite") });
    try {
      await expect(openDatabase({ dataDir: dir("pglite") })).rejects.toThrow(DatabaseInUseError);
      await first.ping(); // the refused open did not disturb the open one
    } finally {
      await first.close();
    }
    expect(existsSync(path.join(dir("pglite"), LOCK_FILE))).toBe(false);
    const again = await openDatabase({ dataDir: dir("pglite") });
    await again.close();
  }, 60_000);

  it("names a live holder in another process", () => {
    const d = dir("held");
    mkdirSync(d);
    writeFileSync(path.join(d, LOCK_FILE), `${process.ppid}\n`);
    expect(() => lockDataDir(d)).toThrow(new DatabaseInUseError(d, process.ppid));
    expect(readFileSync(path.join(d, LOCK_FILE), "utf8")).toBe(`${process.ppid}\n`);
  });

  it("takes over the lock of a process that is gone, and releases only its own", () => {
    const d = dir("stale");
    const gone = spawnSync(process.execPath, ["-e", ""]).pid!;
    mkdirSync(d);
    writeFileSync(path.join(d, LOCK_FILE), `${gone}\n`);
    const release = lockDataDir(d);
    expect(readFileSync(path.join(d, LOCK_FILE), "utf8")).toBe(`${process.pid}\n`);
    release();
    expect(existsSync(path.join(d, LOCK_FILE))).toBe(false);
  });

  it("treats a fresh lock without a pid as being taken right now", () => {
    const d = dir("fresh");
    mkdirSync(d);
    writeFileSync(path.join(d, LOCK_FILE), "");
    expect(() => lockDataDir(d)).toThrow(DatabaseInUseError);
  });
});
