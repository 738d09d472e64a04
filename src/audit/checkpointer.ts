import { desc } from "drizzle-orm";
import type { Database } from "../db/client.js";
import { accessLog, changeLog } from "./audit.table.js";
import { GENESIS_HASH } from "./chain.js";
import { checkpointMessage, signCheckpoint, type CheckpointHead, type CheckpointSigningKey, type SignedCheckpoint } from "./checkpoint.js";
import type { CheckpointSink } from "./checkpoint-sink.js";
import { TimestampError, type Timestamper } from "./timestamp.js";

// Taking a checkpoint: read both heads (two indexed one-row reads, no lock: a committed row is final
// and seqs are committed without holes, see stream.ts), sign, optionally time-stamp, append. All of
// it asynchronous I/O apart from one Ed25519 signature: requests are not held up. When to take one
// (the interval, shutdown) is the composition root's business (src/checkpoint-schedule.ts).

/** Both streams' heads as committed now, in checkpoint order. */
export async function readStreamHeads(db: Database): Promise<CheckpointHead[]> {
  const [access] = await db.select({ seq: accessLog.seq, hash: accessLog.hash }).from(accessLog).orderBy(desc(accessLog.seq)).limit(1);
  const [change] = await db.select({ seq: changeLog.seq, hash: changeLog.hash }).from(changeLog).orderBy(desc(changeLog.seq)).limit(1);
  return [
    { stream: "access_log", lastSeq: access?.seq ?? 0, lastHash: access?.hash ?? GENESIS_HASH },
    { stream: "change_log", lastSeq: change?.seq ?? 0, lastHash: change?.hash ?? GENESIS_HASH },
  ];
}

export interface CheckpointWritten {
  readonly checkpoint: SignedCheckpoint;
  /** Why the checkpoint carries no time-stamp although a TSA is configured (it is written without). */
  readonly timestampError: string | null;
}

export interface CheckpointerOptions {
  readonly db: Database;
  readonly sink: CheckpointSink;
  readonly key: CheckpointSigningKey;
  /** RFC 3161 time-stamping; absent → checkpoints carry none. */
  readonly timestamper?: Timestamper | null | undefined;
  readonly now?: (() => Date) | undefined;
}

export class Checkpointer {
  private queue: Promise<unknown> = Promise.resolve();
  private lastHeads: string | null = null;
  private published = false;

  constructor(private readonly options: CheckpointerOptions) {}

  /**
   * Signs the current heads and appends the checkpoint to the sink (publishing the public key there
   * first, once). With `onlyIfChanged`, writes nothing and returns null when the heads are those of
   * this checkpointer's previous checkpoint. Calls run one after another.
   */
  write(options: { onlyIfChanged?: boolean } = {}): Promise<CheckpointWritten | null> {
    const run = this.queue.then(() => this.writeNow(options.onlyIfChanged ?? false));
    this.queue = run.catch(() => {});
    return run;
  }

  private async writeNow(onlyIfChanged: boolean): Promise<CheckpointWritten | null> {
    const { db, sink, key, timestamper } = this.options;
    const heads = await readStreamHeads(db);
    const headsKey = JSON.stringify(heads);
    if (onlyIfChanged && headsKey === this.lastHeads) return null;
    const signed = signCheckpoint({ heads, at: (this.options.now ?? (() => new Date()))(), key });
    let timestamp: string | null = null;
    let timestampError: string | null = null;
    if (timestamper) {
      try {
        timestamp = (await timestamper.stamp(checkpointMessage(signed.content))).toString("base64");
      } catch (error) {
        // A checkpoint without a time-stamp still anchors the chains: write it, and say why.
        timestampError = error instanceof TimestampError ? error.message : `the TSA request failed (${(error as Error)?.name ?? "error"})`;
      }
    }
    if (!this.published) {
      await sink.publishPublicKey(key.publicKey);
      this.published = true;
    }
    const checkpoint: SignedCheckpoint = { ...signed, timestamp };
    await sink.append(checkpoint);
    this.lastHeads = headsKey;
    return { checkpoint, timestampError };
  }
}
