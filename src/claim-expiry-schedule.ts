import type { Database } from "./db/client.js";
import type { Logger } from "./logger.js";
import { expireDueClaims } from "./modules/claims/index.js";
import type { HubEvents } from "./shared/events.js";
import { intervalTicker, type Ticker } from "./checkpoint-schedule.js";

// Composition root of claim expiry's timing: a sweep at start (claims that fell due while the hub was
// down expire at once) and then every CLAIM_EXPIRY_SWEEP_SECONDS. Nothing is kept in memory between
// sweeps — what is due is read from the claims themselves — so a restart loses nothing, and several
// hub instances on one PostgreSQL sweep without taking the same claim twice (SKIP LOCKED). A job queue
// (graphile-worker) would add a schema and a worker for what one indexed query does here; it becomes
// worth it when the hub schedules many kinds of job with retries.

export interface ClaimExpiryScheduleOptions {
  readonly db: Database;
  /** Chains the expiries' change-log entries once a sweep has committed them. */
  readonly changeLog?: { flush(): Promise<void> } | null;
  /** 0 → no sweeps. */
  readonly intervalSeconds: number;
  readonly logger: Logger;
  readonly ticker?: Ticker | undefined;
  readonly now?: () => Date;
  /** Subscribers hear of each expiry (and of the need open again). */
  readonly events?: HubEvents | null;
}

export class ClaimExpirySchedule {
  private cancel: (() => void) | null = null;
  private running: Promise<void> | null = null;
  private stopped = false;

  constructor(private readonly options: ClaimExpiryScheduleOptions) {}

  start(): void {
    if (this.cancel || this.stopped || this.options.intervalSeconds === 0) return;
    this.cancel = (this.options.ticker ?? intervalTicker).every(this.options.intervalSeconds * 1000, () => this.tick());
    this.tick();
  }

  /** Resolves once the sweep a tick started (if any) has finished or failed. */
  async settled(): Promise<void> {
    await this.running;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.cancel?.();
    this.cancel = null;
    await this.running;
  }

  private tick(): void {
    // A slow sweep is not doubled: a tick during one is skipped.
    if (this.running || this.stopped) return;
    const now = this.options.now?.() ?? new Date();
    this.running = expireDueClaims(this.options.db, now, 100, this.options.events ?? null)
      .then(async (expired) => {
        if (expired > 0) this.options.logger.info({ expired }, "claims past their due date expired");
        if (expired > 0) await this.options.changeLog?.flush();
      })
      .catch((err: unknown) => {
        // The next tick tries again; nothing was half-done (one transaction per claim).
        this.options.logger.error({ err: { type: (err as Error)?.name } }, "claim expiry sweep failed");
      })
      .finally(() => {
        this.running = null;
      });
  }
}
