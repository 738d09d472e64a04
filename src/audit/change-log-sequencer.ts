import { asc, count, inArray } from "drizzle-orm";
import type { Database } from "../db/client.js";
import { changeLogPending, type ChangeLogPendingRow } from "./audit.table.js";
import type { ChainKey } from "./chain.js";
import { changeLogStream, type ChangeContent } from "./change-log.js";
import { ROWS_PER_INSERT, insertChained, lockedHead } from "./stream.js";

// The change log's sequencer: changes commit their entries as pending (change-log.ts), and this moves
// them into the chain — numbered, linked and hashed — in batches, in the order of their pending ids.
// A change's transaction therefore holds no stream-wide lock: before, every mutation took the change
// log's advisory lock and kept it through its last write and its commit, so the hub's mutations ran
// one at a time (about 170 a second on the 2-core machine, whatever else they touched). Here the lock
// is taken once per batch, by the one transaction that deletes the batch from the pending table and
// inserts it chained: an entry is pending or chained, never both, never neither. Several sequencers
// (hub instances, a CLI) on one database are safe: each takes only rows no other has locked (SKIP
// LOCKED), and chains them after the head it reads under the lock.
//
// The window: an entry is in the pending table, not yet in the chain, from its change's commit until
// the next batch — under a millisecond to a few, as the server waits for its mutation's batch before
// it answers (server.ts). A pending entry cannot be edited (a trigger refuses UPDATE); one deleted in
// that window, by someone who can bypass the hub, is not detected by the chain. verify reports how
// many entries are pending and since when.

/**
 * Chains every entry pending now (and whatever else arrives while it runs), a batch of at most
 * `batch` per transaction. Returns how many it chained.
 */
export async function sequencePendingChanges(db: Database, key: ChainKey, batch = ROWS_PER_INSERT): Promise<number> {
  let total = 0;
  for (;;) {
    const moved = await db.transaction(async (tx) => {
      const next = tx.select({ id: changeLogPending.id }).from(changeLogPending).orderBy(asc(changeLogPending.id)).limit(batch).for("update", { skipLocked: true });
      const rows = await tx.delete(changeLogPending).where(inArray(changeLogPending.id, next)).returning();
      if (rows.length === 0) return 0;
      rows.sort((a, b) => a.id - b.id);
      await insertChained(tx, changeLogStream, await lockedHead(tx, "change_log"), rows.map(contentOf), key);
      return rows.length;
    });
    total += moved;
    if (moved < batch) return total;
  }
}

/** How many entries are waiting to be chained, and the oldest one's time (null when none). */
export async function pendingChanges(db: Database): Promise<{ count: number; oldestAt: Date | null }> {
  const [oldest] = await db.select({ at: changeLogPending.at }).from(changeLogPending).orderBy(asc(changeLogPending.id)).limit(1);
  if (!oldest) return { count: 0, oldestAt: null };
  const [n] = await db.select({ n: count() }).from(changeLogPending);
  return { count: n?.n ?? 0, oldestAt: oldest.at };
}

function contentOf(row: ChangeLogPendingRow): ChangeContent {
  const { id: _id, ...content } = row;
  return content;
}

export interface SequencerLogger {
  error(fields: object, message: string): void;
}

/**
 * The hub's sequencer: flush() chains what is pending. Callers that arrive while a batch is being
 * written share the next one (group commit: under load one transaction chains many requests'
 * entries). flush() never rejects: the change it follows has committed whatever happens here, and a
 * failed batch changed nothing — its entries stay pending for the next flush (the next mutation's, or
 * the server's periodic retry()).
 */
export class ChangeLogSequencer {
  /** The pass in progress. */
  private current: Promise<void> | null = null;
  /** The pass after it, shared by every flush() since the current one started. */
  private queued: Promise<void> | null = null;
  /** The last pass failed: entries may be waiting that no mutation's flush will come for. */
  private failed = false;

  constructor(
    private readonly db: Database,
    private readonly key: ChainKey,
    private readonly logger: SequencerLogger,
  ) {}

  /** Resolves once everything committed as pending before the call has been chained (or the attempt failed). */
  flush(): Promise<void> {
    // A pass already running may have read the pending rows before the caller's commit: the next one.
    if (this.current) {
      return (this.queued ??= this.current.then(() => {
        this.queued = null;
        return this.start();
      }));
    }
    return this.start();
  }

  /** A flush only if the last pass failed (the server's periodic retry: an idle hub sends no statement). */
  retry(): Promise<void> {
    return this.failed ? this.flush() : Promise.resolve();
  }

  private start(): Promise<void> {
    const pass: Promise<void> = sequencePendingChanges(this.db, this.key)
      .then(
        () => {
          this.failed = false;
        },
        (err: unknown) => {
          this.failed = true;
          // No value of an entry in the log line (they may be personal data): the error's kind only.
          this.logger.error({ err: { type: (err as Error)?.name, code: (err as { code?: string })?.code } }, "change log: pending entries not chained (retried at the next flush)");
        },
      )
      .finally(() => {
        if (this.current === pass) this.current = null;
      });
    this.current = pass;
    return pass;
  }
}
