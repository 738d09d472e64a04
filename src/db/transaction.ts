import type { Database } from "./client.js";

// A transaction held open across callbacks that do not nest: opened in one place, finished in another
// (the idempotent-request path opens it before Apollo runs and commits it from a plugin hook). Drizzle's
// transaction() takes a callback; this parks that callback until commit() or rollback() is called.
//
// On PGlite the open transaction holds the single connection's transaction mutex: any statement sent on
// the database itself (not `tx`) until it is finished waits for it. Finish it before awaiting one.

export interface OpenTransaction {
  /** Every statement of the unit goes through this handle; nested transaction() calls become savepoints. */
  readonly tx: Database;
  /** Whether commit() or rollback() has been called. */
  readonly finished: boolean;
  /**
   * Runs `last` inside the transaction, then commits. Rejects with the error of `last` (then rolled
   * back) or of the commit. A second call, or one after rollback(), only waits for the first outcome.
   */
  commit(last?: (tx: Database) => Promise<void>): Promise<void>;
  /** Rolls back. Never rejects: a rollback that fails (the connection broke) committed nothing either. */
  rollback(): Promise<void>;
}

const ROLLBACK = Symbol("rollback");

type Decision = { readonly commit: true; readonly last?: ((tx: Database) => Promise<void>) | undefined } | { readonly commit: false };

/** Begins a transaction and resolves once it is open (rejects if BEGIN fails). */
export async function openTransaction(db: Database): Promise<OpenTransaction> {
  let decide!: (decision: Decision) => void;
  const decided = new Promise<Decision>((resolve) => (decide = resolve));
  let opened!: (tx: Database) => void;
  const ready = new Promise<Database>((resolve) => (opened = resolve));
  const outcome = db
    .transaction(async (tx) => {
      opened(tx);
      const decision = await decided;
      if (!decision.commit) throw ROLLBACK;
      await decision.last?.(tx);
    })
    .catch((error: unknown) => {
      if (error !== ROLLBACK) throw error;
    });
  const tx = await Promise.race([
    ready,
    outcome.then(() => {
      throw new Error("the transaction ended before it opened");
    }),
  ]);
  let finished = false;
  const finish = (decision: Decision): Promise<void> => {
    if (!finished) {
      finished = true;
      decide(decision);
    }
    return outcome;
  };
  return {
    tx,
    get finished() {
      return finished;
    },
    commit: (last) => finish({ commit: true, last }),
    rollback: () => finish({ commit: false }).catch(() => {}),
  };
}
