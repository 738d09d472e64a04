import { RateLimiterMemory, RateLimiterRes } from "rate-limiter-flexible";
import { RequestLimitError } from "./graphql/limits.errors.js";

// Per-caller request budgets: a rate (requests a minute) and a concurrency (requests in flight at
// once). A caller is an organization's token subject; a request without a valid token is counted by
// its network address, with its own smaller budget. Memory only: several hub instances each keep
// their own budgets (rate-limiter-flexible's PostgreSQL store would make them one).

export interface RequestLimits {
  /** The per-request deadline (also PostgreSQL's statement_timeout). */
  readonly timeoutMs: number;
  /** Largest response body, in bytes of its JSON. */
  readonly maxResponseBytes: number;
  /** Requests each authenticated caller may send a minute. */
  readonly perCallerPerMinute: number;
  /** Requests each network address may send a minute without a valid token. */
  readonly anonymousPerMinute: number;
  /** Requests one caller (or anonymous address) may have in flight at once. */
  readonly maxConcurrent: number;
  /** A query whose estimated cost (as MAX_COST counts it) is at least this is heavy … */
  readonly heavyCost: number;
  /** … and at most this many heavy queries run at once, hub-wide; the others wait their turn. */
  readonly heavyAtOnce: number;
}

export const DEFAULT_REQUEST_LIMITS: RequestLimits = Object.freeze({
  timeoutMs: 5_000,
  maxResponseBytes: 8 * 1024 * 1024,
  perCallerPerMinute: 600,
  anonymousPerMinute: 60,
  maxConcurrent: 8,
  heavyCost: 10_000,
  heavyAtOnce: 1,
});

/** A caller's budget key: `caller:<org>\0<subject>` or `address:<ip>`. */
export type CallerKey = string & { readonly __callerKey: true };

export function callerKey(caller: { readonly orgCode: string; readonly subject: string } | null, address: string | undefined): CallerKey {
  return (caller ? `caller:${caller.orgCode}\u0000${caller.subject}` : `address:${address ?? "local"}`) as CallerKey;
}

export class RequestLimiter {
  private readonly callers: RateLimiterMemory;
  private readonly anonymous: RateLimiterMemory;
  private readonly inFlight = new Map<CallerKey, number>();

  constructor(readonly limits: RequestLimits = DEFAULT_REQUEST_LIMITS) {
    this.callers = new RateLimiterMemory({ points: limits.perCallerPerMinute, duration: 60 });
    this.anonymous = new RateLimiterMemory({ points: limits.anonymousPerMinute, duration: 60 });
  }

  /** Counts one request against the key's rate; throws REQUEST_RATE_LIMITED (with retryAfterSeconds) past it. */
  async consumeOrThrow(key: CallerKey): Promise<void> {
    const anonymous = key.startsWith("address:");
    try {
      await (anonymous ? this.anonymous : this.callers).consume(key);
    } catch (res) {
      if (!(res instanceof RateLimiterRes)) throw res;
      const limit = anonymous ? this.limits.anonymousPerMinute : this.limits.perCallerPerMinute;
      const retryAfterSeconds = Math.max(1, Math.ceil(res.msBeforeNext / 1000));
      throw new RequestLimitError(
        "REQUEST_RATE_LIMITED",
        `at most ${limit} requests a minute ${anonymous ? "from one address without a token" : "per caller"}; retry in ${retryAfterSeconds} s`,
        { limit, retryAfterSeconds },
      );
    }
  }

  /** Marks a request in flight for the key; the returned function ends it (call it exactly once). */
  enterOrThrow(key: CallerKey): () => void {
    const current = this.inFlight.get(key) ?? 0;
    if (current >= this.limits.maxConcurrent) {
      throw new RequestLimitError(
        "TOO_MANY_CONCURRENT_REQUESTS",
        `at most ${this.limits.maxConcurrent} requests in flight at once per caller; retry when one has been answered`,
        { limit: this.limits.maxConcurrent, retryAfterSeconds: 1 },
      );
    }
    this.inFlight.set(key, current + 1);
    let ended = false;
    return () => {
      if (ended) return;
      ended = true;
      const left = (this.inFlight.get(key) ?? 1) - 1;
      if (left <= 0) this.inFlight.delete(key);
      else this.inFlight.set(key, left);
    };
  }
}
