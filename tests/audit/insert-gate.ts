import type { DbHandle } from "../../src/db/client.js";

// A database handle for the group-commit suites that passes everything through, but lets a test hold
// the access-log writer's INSERTs (its only use of DbHandle.query), see what each held, and make them
// fail: before the database sees them, or after they committed (a lost acknowledgement).

export interface SentInsert {
  readonly rows: number;
  readonly requestIds: readonly string[];
}

export interface Hold {
  /** Resolves when the held INSERT has arrived (and waits, not yet sent). */
  readonly reached: Promise<void>;
  release(): void;
}

export interface InsertGate {
  /** Give this to the writer (or the hub): `db` is the real one; `query` goes through the gate. */
  readonly handle: DbHandle;
  /** Every INSERT that reached the gate, in order. */
  readonly inserts: SentInsert[];
  /** The request ids of every INSERT whose statement returned (committed). */
  readonly committed: Set<string>;
  /** The next INSERT to arrive waits at the gate until released. */
  hold(): Hold;
  /** The next INSERT fails with `error`: without reaching the database, or once it has committed. */
  failNext(error: unknown, options?: { afterCommit?: boolean; times?: number }): void;
  /** The next INSERT holding a value that contains `text` (an operation's name) fails, before the database sees it. */
  failHolding(text: string, error: unknown): void;
}

export function insertGate(inner: DbHandle): InsertGate {
  const inserts: SentInsert[] = [];
  const committed = new Set<string>();
  const holds: Array<{ arrived(): void; released: Promise<void> }> = [];
  const failures: Array<{ error: unknown; afterCommit: boolean }> = [];
  const holding: Array<{ text: string; error: unknown }> = [];

  const query = async (text: string, params: readonly unknown[]) => {
    const sent = describeInsert(text, params);
    inserts.push(sent);
    const hold = holds.shift();
    if (hold) {
      hold.arrived();
      await hold.released;
    }
    const matched = holding.findIndex((h) => params.some((p) => typeof p === "string" && p.includes(h.text)));
    if (matched >= 0) throw holding.splice(matched, 1)[0]!.error;
    const failure = failures.shift();
    if (failure && !failure.afterCommit) throw failure.error;
    await inner.query(text, params);
    sent.requestIds.forEach((id) => committed.add(id));
    if (failure) throw failure.error;
  };

  return {
    handle: { db: inner.db, kind: inner.kind, ping: () => inner.ping(), query, close: () => inner.close() },
    inserts,
    committed,
    hold() {
      let arrived!: () => void;
      let release!: () => void;
      const reached = new Promise<void>((resolve) => (arrived = resolve));
      const released = new Promise<void>((resolve) => (release = resolve));
      holds.push({ arrived, released });
      return { reached, release };
    },
    failHolding(text, error) {
      holding.push({ text, error });
    },
    failNext(error, options = {}) {
      for (let i = 0; i < (options.times ?? 1); i++) failures.push({ error, afterCommit: options.afterCommit ?? false });
    },
  };
}

/** An `insert into "t" ("a", "b", …) values ($1, $2, …), (…)`: its row count and request ids. */
function describeInsert(text: string, params: readonly unknown[]): SentInsert {
  const columns = text.slice(text.indexOf("(") + 1, text.indexOf(")")).split(", ");
  const requestId = columns.indexOf('"request_id"');
  if (!text.startsWith('insert into "access_log"') || requestId < 0) throw new Error(`not an access-log INSERT: ${text.slice(0, 40)}`);
  const rows = params.length / columns.length;
  return { rows, requestIds: Array.from({ length: rows }, (_, r) => params[r * columns.length + requestId] as string) };
}
