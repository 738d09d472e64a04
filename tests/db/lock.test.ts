import { spawn } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDatabase } from "../../src/db/client.js";
import { DatabaseInUseError, LOCK_FILE, STALE_MS, lockDataDir } from "../../src/db/lock.js";

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

  /** A lock directory as a holder would have left it, last refreshed `ageMs` ago. */
  function leftLock(d: string, ageMs: number): void {
    mkdirSync(path.join(d, LOCK_FILE), { recursive: true });
    const at = new Date(Date.now() - ageMs);
    utimesSync(path.join(d, LOCK_FILE), at, at);
  }

  it("refuses a lock another live process holds and refreshes, naming how fresh it is", async () => {
    const d = dir("held");
    mkdirSync(d);
    // A real holder in another process: it takes the lock and keeps its heartbeat going.
    const holder = spawn(process.execPath, ["--import", "tsx", "-e", `
      const { lockDataDir } = await import(${JSON.stringify(path.resolve("src/db/lock.ts"))});
      await lockDataDir(${JSON.stringify(d)});
      process.stdout.write("locked\\n");
      setInterval(() => {}, 1000);
    `], { stdio: ["ignore", "pipe", "inherit"] });
    try {
      await new Promise<void>((resolve, reject) => {
        holder.stdout!.on("data", (b: Buffer) => b.toString().includes("locked") && resolve());
        holder.once("exit", (code) => reject(new Error(`holder exited ${code}`)));
      });
      const refused = await lockDataDir(d).then(() => null, (e: unknown) => e);
      expect(refused).toBeInstanceOf(DatabaseInUseError);
      expect((refused as DatabaseInUseError).refreshedMsAgo).toBeLessThan(STALE_MS);
      expect((refused as Error).message).toMatch(/in use by another process \(a running hub\?; its lock was refreshed \d+ s ago\)/);
    } finally {
      holder.kill("SIGKILL");
    }
  }, 30_000);

  it("takes over a stale lock even when it names this very process (a container restarted with the same pid)", async () => {
    const d = dir("own-pid");
    mkdirSync(d);
    leftLock(d, STALE_MS + 5_000);
    writeFileSync(path.join(d, "hub.lock.pid"), `${process.pid}\n`); // what the old, pid-trusting lock would have read
    const release = await lockDataDir(d);
    expect(existsSync(path.join(d, LOCK_FILE))).toBe(true);
    await release();
    expect(existsSync(path.join(d, LOCK_FILE))).toBe(false);
  });

  it("is not fooled by an unrelated live process: only the lock's freshness counts", async () => {
    const d = dir("unrelated");
    mkdirSync(d);
    leftLock(d, STALE_MS + 5_000);
    // The parent process is alive; under the old lock a file naming it blocked start-up for good.
    writeFileSync(path.join(d, "hub.lock.pid"), `${process.ppid}\n`);
    const release = await lockDataDir(d);
    await release();
  });

  it("treats a recently refreshed lock as held, whoever left it", async () => {
    const d = dir("fresh");
    mkdirSync(d);
    leftLock(d, 1_000);
    await expect(lockDataDir(d)).rejects.toThrow(DatabaseInUseError);
  });
});
