import { closeSync, openSync, readFileSync, rmSync, statSync, writeSync } from "node:fs";
import path from "node:path";

// The embedded database is one process's: PGlite has no postmaster to refuse a second server on the
// same data directory (it writes a fake postmaster.pid and removes it on close), and two instances
// writing the same files corrupt them — a CLI run against a live hub's DATA_DIR (`audit:verify`,
// `keys:rotate`, `seed`) would. So whoever opens a data directory holds a lock file in it, naming its
// process; a lock whose process is gone (a crash) is taken over.

export const LOCK_FILE = "hub.lock";

/** The data directory is open in another process (or already in this one). */
export class DatabaseInUseError extends Error {
  constructor(
    readonly dataDir: string,
    readonly pid: number,
  ) {
    super(
      pid === process.pid
        ? `the embedded database in ${dataDir} is already open in this process`
        : pid === -1
        ? `the embedded database in ${dataDir} is being opened by another process`
        : `the embedded database in ${dataDir} is in use by process ${pid} (a running hub?): stop it first, or use PostgreSQL (DATABASE_URL) to run tools alongside the hub`,
    );
    this.name = "DatabaseInUseError";
  }
}

/** Takes the data directory's lock; returns its release. Throws DatabaseInUseError when held. */
export function lockDataDir(dataDir: string): () => void {
  const file = path.join(dataDir, LOCK_FILE);
  for (let attempt = 0; attempt < 2; attempt++) {
    let fd: number;
    try {
      fd = openSync(file, "wx", 0o600);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
      const holder = holderOf(file);
      if (holder !== null && isAlive(holder)) throw new DatabaseInUseError(dataDir, holder);
      // No pid yet: its creator may be between creating and writing it.
      if (holder === null && isRecent(file)) throw new DatabaseInUseError(dataDir, -1);
      rmSync(file, { force: true }); // stale: its process is gone
      continue;
    }
    try {
      writeSync(fd, `${process.pid}\n`);
    } finally {
      closeSync(fd);
    }
    let released = false;
    return () => {
      if (released) return;
      released = true;
      if (holderOf(file) === process.pid) rmSync(file, { force: true });
    };
  }
  // Someone else took the stale lock between our removal and our retry.
  throw new DatabaseInUseError(dataDir, holderOf(file) ?? -1);
}

function holderOf(file: string): number | null {
  try {
    const pid = Number.parseInt(readFileSync(file, "utf8").trim(), 10);
    return Number.isSafeInteger(pid) && pid > 0 ? pid : null;
  } catch {
    return null;
  }
}

function isRecent(file: string): boolean {
  try {
    return Date.now() - statSync(file).mtimeMs < 2000;
  } catch {
    return false;
  }
}

function isAlive(pid: number): boolean {
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}
