import type { Checkpointer, CheckpointWritten } from "./audit/index.js";
import type { Logger } from "./logger.js";

// Composition root of the audit checkpoints' timing: one every AUDIT_CHECKPOINT_INTERVAL_SECONDS
// (skipped when neither chain moved since the last one) and a final one when the hub stops. The
// timer is injectable so tests drive it without waiting. One process, one timer: on several hub
// instances each signs the heads it reads, which verify alike (see README "Audit checkpoints").

/** Calls `tick` every `ms` until the returned function is called. */
export interface Ticker {
  every(ms: number, tick: () => void): () => void;
}

/** setInterval, not keeping the process alive on its own. */
export const intervalTicker: Ticker = {
  every(ms, tick) {
    const timer = setInterval(tick, ms);
    timer.unref();
    return () => clearInterval(timer);
  },
};

export interface CheckpointScheduleOptions {
  readonly checkpointer: Pick<Checkpointer, "write">;
  /** 0 → no timer: a checkpoint at stop() only. */
  readonly intervalSeconds: number;
  readonly logger: Logger;
  readonly ticker?: Ticker | undefined;
}

export class CheckpointSchedule {
  private cancel: (() => void) | null = null;
  private running: Promise<void> | null = null;
  private stopped = false;

  constructor(private readonly options: CheckpointScheduleOptions) {}

  start(): void {
    if (this.cancel || this.stopped || this.options.intervalSeconds === 0) return;
    this.cancel = (this.options.ticker ?? intervalTicker).every(this.options.intervalSeconds * 1000, () => this.tick());
  }

  /** Resolves once the checkpoint a tick started (if any) is written or has failed. */
  async settled(): Promise<void> {
    await this.running;
  }

  /** Stops the timer, lets a running checkpoint finish, then writes the final one (whether or not the heads moved). */
  async stop(): Promise<CheckpointWritten | null> {
    this.stopped = true;
    this.cancel?.();
    this.cancel = null;
    await this.running;
    return this.write(false);
  }

  private tick(): void {
    // A slow sink or TSA must not pile checkpoints up: a tick during a write is skipped.
    if (this.running || this.stopped) return;
    this.running = this.write(true).then(
      () => {
        this.running = null;
      },
      () => {
        this.running = null;
      },
    );
  }

  private async write(onlyIfChanged: boolean): Promise<CheckpointWritten | null> {
    const { checkpointer, logger } = this.options;
    try {
      const written = await checkpointer.write({ onlyIfChanged });
      if (written) {
        const { content, timestamp } = written.checkpoint;
        logger.info({ at: content.at, heads: content.heads.map((h) => ({ stream: h.stream, lastSeq: h.lastSeq })), timestamped: timestamp !== null }, "audit checkpoint written");
        if (written.timestampError) logger.warn({ reason: written.timestampError }, "audit checkpoint written without a time-stamp");
      }
      return written;
    } catch (err) {
      // Logged, not thrown: a failed checkpoint leaves the chains as verifiable as before, only less anchored.
      logger.error({ err: { type: (err as Error)?.name, code: (err as NodeJS.ErrnoException)?.code } }, "audit checkpoint failed");
      return null;
    }
  }
}
