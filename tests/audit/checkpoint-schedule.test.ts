import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { pino } from "pino";
import { afterAll, describe, expect, it, vi } from "vitest";
import {
  appendAccessEntries,
  appendChangeEntries,
  sequencePendingChanges,
  Checkpointer,
  DirectoryCheckpointSink,
  GENESIS_HASH,
  loadCheckpointEvidence,
  reviewCheckpoints,
  TimestampError,
  type CheckpointWritten,
  type Timestamper,
} from "../../src/audit/index.js";
import { generateCheckpointKeyPem, signingKeyFromPem } from "../../src/audit/checkpoint.js";
import { CheckpointSchedule, type Ticker } from "../../src/checkpoint-schedule.js";
import type { DbHandle } from "../../src/db/client.js";
import { startTestHub, type TestHub } from "../support/hub.js";
import { accessEntries, changeEntry } from "./entries.js";

// When checkpoints are written: on the interval (driven here by a fake ticker and clock, no waiting),
// not when nothing moved, and once more when the hub stops — after its last request.

const tmp = mkdtempSync(path.join(os.tmpdir(), "checkpoint-schedule-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const key = signingKeyFromPem(generateCheckpointKeyPem());

/** A ticker the test fires by hand. */
function fakeTicker() {
  const state = {
    intervals: [] as number[],
    cancelled: 0,
    tick: null as (() => void) | null,
    ticker: {
      every(ms: number, tick: () => void) {
        state.intervals.push(ms);
        state.tick = tick;
        return () => {
          state.cancelled += 1;
          state.tick = null;
        };
      },
    } satisfies Ticker,
  };
  return state;
}

/** A pino logger whose lines the test reads (level and message and fields, no timestamps). */
function capturedLogger() {
  const lines: Array<Record<string, unknown>> = [];
  const logger = pino({ level: "info", base: undefined, timestamp: false }, { write: (line: string) => lines.push(JSON.parse(line) as Record<string, unknown>) });
  return { logger, lines };
}

function clock(start: string) {
  let now = new Date(start);
  return { now: () => now, advance: (seconds: number) => (now = new Date(now.getTime() + seconds * 1000)) };
}

describe("the checkpoint schedule", () => {
  it("writes a checkpoint each interval when a chain moved, none when nothing did, and a final one when the hub stops", async () => {
    const sink = new DirectoryCheckpointSink(path.join(tmp, "interval"));
    const ticks = fakeTicker();
    const time = clock("2025-03-01T08:00:00.000Z");
    const { logger, lines } = capturedLogger();
    let schedule!: CheckpointSchedule;
    const t = await startTestHub("pglite", {
      seed: false,
      checkpoints: (db: DbHandle) => {
        const checkpointer = new Checkpointer({ db: db.db, sink, key, now: time.now });
        schedule = new CheckpointSchedule({ checkpointer, intervalSeconds: 300, ticker: ticks.ticker, logger });
        return { schedule, evidence: () => loadCheckpointEvidence(sink) };
      },
    });
    let closed = false;
    try {
      expect(ticks.intervals).toEqual([300_000]);
      expect(await sink.read()).toEqual([]);

      await appendAccessEntries(t.db.db, accessEntries(2), t.cipher.auditKey);
      time.advance(300);
      ticks.tick!();
      await schedule.settled();
      time.advance(300);
      ticks.tick!(); // nothing moved: no checkpoint
      await schedule.settled();
      await t.db.db.transaction((tx) => appendChangeEntries(tx, [changeEntry()]));
      await sequencePendingChanges(t.db.db, t.cipher.auditKey);
      time.advance(300);
      ticks.tick!();
      await schedule.settled();
      time.advance(42);
      await t.close();
      closed = true;
    } finally {
      if (!closed) await t.close();
    }
    expect(ticks.cancelled).toBe(1);

    const stored = await sink.read();
    const heads = stored.map((s) => [s.ref, s.checkpoint!.content.at, s.checkpoint!.content.heads.map((h) => [h.stream, h.lastSeq])]);
    expect(heads).toEqual([
      ["checkpoints.jsonl:1", "2025-03-01T08:05:00.000Z", [["access_log", 2], ["change_log", 0]]],
      ["checkpoints.jsonl:2", "2025-03-01T08:15:00.000Z", [["access_log", 2], ["change_log", 1]]],
      ["checkpoints.jsonl:3", "2025-03-01T08:15:42.000Z", [["access_log", 2], ["change_log", 1]]],
    ]);
    expect(stored[0]!.checkpoint!.content.heads[1]!.lastHash).toBe(GENESIS_HASH);
    // Each signed with the hub's key, whose public half the sink now publishes.
    const reviews = reviewCheckpoints(await loadCheckpointEvidence(sink));
    expect(reviews.map((r) => [r.ref, r.problem, r.checkpoint!.content.keyId])).toEqual([
      ["checkpoints.jsonl:1", null, key.keyId],
      ["checkpoints.jsonl:2", null, key.keyId],
      ["checkpoints.jsonl:3", null, key.keyId],
    ]);
    // Logged with seqs only: no hashes, no personal data.
    expect(lines).toEqual([
      { level: 30, at: "2025-03-01T08:05:00.000Z", heads: [{ stream: "access_log", lastSeq: 2 }, { stream: "change_log", lastSeq: 0 }], timestamped: false, msg: "audit checkpoint written" },
      { level: 30, at: "2025-03-01T08:15:00.000Z", heads: [{ stream: "access_log", lastSeq: 2 }, { stream: "change_log", lastSeq: 1 }], timestamped: false, msg: "audit checkpoint written" },
      { level: 30, at: "2025-03-01T08:15:42.000Z", heads: [{ stream: "access_log", lastSeq: 2 }, { stream: "change_log", lastSeq: 1 }], timestamped: false, msg: "audit checkpoint written" },
    ]);
  });

  it("with an interval of 0 runs no timer, and stopping still writes the final checkpoint", async () => {
    const sink = new DirectoryCheckpointSink(path.join(tmp, "no-timer"));
    const ticks = fakeTicker();
    const t = await startTestHub("pglite", {
      seed: false,
      checkpoints: (db) => ({
        schedule: new CheckpointSchedule({
          checkpointer: new Checkpointer({ db: db.db, sink, key, now: () => new Date("2025-03-02T00:00:00.000Z") }),
          intervalSeconds: 0,
          ticker: ticks.ticker,
          logger: pino({ level: "silent" }),
        }),
        evidence: () => loadCheckpointEvidence(sink),
      }),
    });
    await t.close();
    expect(ticks.intervals).toEqual([]);
    expect((await sink.read()).map((s) => [s.ref, s.checkpoint!.content.at, s.checkpoint!.content.heads.map((h) => h.lastSeq)])).toEqual([
      ["checkpoints.jsonl:1", "2025-03-02T00:00:00.000Z", [0, 0]],
    ]);
  });

  it("skips a tick while a checkpoint is still being written, instead of piling them up", async () => {
    const ticks = fakeTicker();
    const pending: Array<() => void> = [];
    const calls: Array<{ onlyIfChanged?: boolean }> = [];
    const checkpointer = {
      // The first two writes wait until the test releases them; the final one (at stop) completes at once.
      write: (options: { onlyIfChanged?: boolean } = {}) => {
        calls.push(options);
        if (calls.length > 2) return Promise.resolve(null);
        return new Promise<CheckpointWritten | null>((resolve) => pending.push(() => resolve(null)));
      },
    };
    const schedule = new CheckpointSchedule({ checkpointer, intervalSeconds: 60, ticker: ticks.ticker, logger: pino({ level: "silent" }) });
    schedule.start();
    schedule.start(); // idempotent: one timer
    expect(ticks.intervals).toEqual([60_000]);
    ticks.tick!();
    ticks.tick!();
    expect(calls).toEqual([{ onlyIfChanged: true }]);
    pending[0]!();
    await schedule.settled();
    ticks.tick!();
    expect(calls).toEqual([{ onlyIfChanged: true }, { onlyIfChanged: true }]);
    // Stopping waits for the running checkpoint, then writes the final one whether or not anything moved.
    const stopping = schedule.stop();
    pending[1]!();
    expect(await stopping).toBeNull();
    expect(calls).toEqual([{ onlyIfChanged: true }, { onlyIfChanged: true }, { onlyIfChanged: false }]);
    expect(ticks.cancelled).toBe(1);
    schedule.start(); // a stopped schedule stays stopped
    expect(ticks.intervals).toEqual([60_000]);
  });

  it("logs a failed checkpoint by its error type and code only, and still stops", async () => {
    const { logger, lines } = capturedLogger();
    const failing = {
      write: () => Promise.reject(Object.assign(new Error("EACCES: permission denied, open '/mnt/audit/checkpoints.jsonl'"), { code: "EACCES" })),
    };
    const schedule = new CheckpointSchedule({ checkpointer: failing, intervalSeconds: 60, ticker: fakeTicker().ticker, logger });
    expect(await schedule.stop()).toBeNull();
    expect(lines).toEqual([{ level: 50, err: { type: "Error", code: "EACCES" }, msg: "audit checkpoint failed" }]);
  });
});

describe("a checkpoint waiting on its time-stamping authority", () => {
  let t: TestHub | undefined;
  afterAll(() => t?.close());

  it("holds up no request: the request and its access entry complete while the TSA has not answered", async () => {
    const sink = new DirectoryCheckpointSink(path.join(tmp, "slow-tsa"));
    let fail!: (error: Error) => void;
    const asked: Buffer[] = [];
    const slowTsa: Timestamper = {
      // The first request waits until the test fails it; later ones (the final checkpoint at close) fail at once.
      stamp: (message) => {
        asked.push(message);
        if (asked.length > 1) return Promise.reject(new TimestampError("the TSA answered HTTP 503"));
        return new Promise<Buffer>((_resolve, reject) => (fail = reject));
      },
    };
    const ticks = fakeTicker();
    const { logger, lines } = capturedLogger();
    let schedule!: CheckpointSchedule;
    t = await startTestHub("pglite", {
      checkpoints: (db) => {
        schedule = new CheckpointSchedule({
          checkpointer: new Checkpointer({ db: db.db, sink, key, timestamper: slowTsa, now: () => new Date("2025-03-03T00:00:00.000Z") }),
          intervalSeconds: 300,
          ticker: ticks.ticker,
          logger,
        });
        return { schedule, evidence: () => loadCheckpointEvidence(sink) };
      },
    });
    const token = await t.token("QX-MZJ", "CASEWORKER");
    await t.exec(token, `{ households(first: 1) { nodes { id } } }`);
    ticks.tick!();
    // The checkpoint reads the chain heads (statements take their turns) before it asks the TSA.
    await vi.waitFor(() => expect(asked).toHaveLength(1)); // the checkpoint is now waiting on the TSA

    const before = (await sink.read()).length;
    const r = await t.exec(token, `{ households(first: 2) { totalCount nodes { id } } }`);
    expect(r.errors).toBeUndefined();
    expect((r.data!.households as { totalCount: number }).totalCount).toBe(320);
    expect(before).toBe(0);

    // The TSA fails in the end: the checkpoint is written without a time-stamp, and the reason logged.
    fail(new TimestampError("the TSA answered HTTP 503"));
    await schedule.settled();
    const [stored] = await sink.read();
    expect(stored!.checkpoint).toMatchObject({ timestamp: null, content: { heads: [{ stream: "access_log", lastSeq: 1 }, { stream: "change_log" }] } });
    expect(lines.map((l) => [l.level, l.msg, l.reason ?? null])).toEqual([
      [30, "audit checkpoint written", null],
      [40, "audit checkpoint written without a time-stamp", "the TSA answered HTTP 503"],
    ]);
  });
});
