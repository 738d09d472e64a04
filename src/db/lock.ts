import { statSync } from "node:fs";
import path from "node:path";
import lockfile from "proper-lockfile";

// The embedded database is one process's: PGlite has no postmaster to refuse a second server on the
// same data directory (it writes a fake postmaster.pid and removes it on close), and two instances
// writing the same files corrupt them — a CLI run against a live hub's DATA_DIR (`audit:verify`,
// `keys:rotate`, `seed`) would. So whoever opens a data directory holds its lock: proper-lockfile's
// atomic mkdir lock with an mtime heartbeat. A holder refreshes it every UPDATE_MS; a lock not
// refreshed for STALE_MS belongs to a process that is gone (a crash, a killed container) and is taken
// over. No process id is trusted: ids are reused after a restart and differ across PID namespaces.

export const LOCK_FILE = "hub.lock";
/** A lock not refreshed for this long is stale. */
export const STALE_MS = 10_000;
const UPDATE_MS = 2_000;

/** The data directory is open in another process (or already in this one). */
export class DatabaseInUseError extends Error {
  override readonly name = "DatabaseInUseError";
  constructor(
    readonly dataDir: string,
    /** How long ago the holder last refreshed the lock, when known. */
    readonly refreshedMsAgo: number | null,
  ) {
    super(
      `the embedded database in ${dataDir} is in use by another process (a running hub?${refreshedMsAgo === null ? "" : `; its lock was refreshed ${Math.round(refreshedMsAgo / 1000)} s ago`}): ` +
        `stop it first, or use PostgreSQL (DATABASE_URL) to run tools alongside the hub; a lock left by a crash is taken over after ${STALE_MS / 1000} s`,
    );
  }
}

/** Takes the data directory's lock; resolves to its release. Rejects with DatabaseInUseError when held. */
export async function lockDataDir(dataDir: string): Promise<() => Promise<void>> {
  const lockfilePath = path.join(dataDir, LOCK_FILE);
  let release: () => Promise<void>;
  try {
    release = await lockfile.lock(dataDir, { lockfilePath, stale: STALE_MS, update: UPDATE_MS, realpath: false, retries: 0 });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ELOCKED") throw error;
    throw new DatabaseInUseError(dataDir, refreshedAgo(lockfilePath));
  }
  let released: Promise<void> | null = null;
  // Releasing a lock another process took over (ours went stale) is not ours to undo: ignore that.
  return () => (released ??= release().catch(() => {}));
}

function refreshedAgo(file: string): number | null {
  try {
    return Math.max(0, Date.now() - statSync(file).mtimeMs); // the holder may round its mtime up
  } catch {
    return null;
  }
}
