import type { Deadline } from "./graphql/deadline.js";
import { deadlineExceeded } from "./graphql/deadline.js";

// Admission control for heavy queries (estimated cost at or over a threshold): only `width` of them
// run at once, hub-wide, in arrival order; the rest wait, within their own deadline. Cheap requests
// never wait here, so whoever floods the hub with its costliest allowed query competes with at most
// `width` heavy requests' work, not with all of them at once.

export class HeavyLane {
  private running = 0;
  private readonly waiting: Array<{ admit: () => void; timer: NodeJS.Timeout | null }> = [];

  constructor(readonly width: number) {
    if (!Number.isInteger(width) || width < 1) throw new TypeError("the heavy lane is at least 1 wide");
  }

  /** Resolves with the function that leaves the lane (call it once the response is sent). */
  async enter(deadline: Deadline | null): Promise<() => void> {
    if (this.running < this.width && this.waiting.length === 0) {
      this.running++;
      return this.leaver();
    }
    await new Promise<void>((resolve, reject) => {
      const entry = { admit: () => resolve(), timer: null as NodeJS.Timeout | null };
      const remaining = deadline?.remainingMs;
      if (remaining !== undefined) {
        entry.timer = setTimeout(() => {
          const i = this.waiting.indexOf(entry);
          if (i >= 0) this.waiting.splice(i, 1);
          reject(deadlineExceeded(deadline!.timeoutMs));
        }, Math.max(0, remaining));
      }
      this.waiting.push(entry);
    });
    // The slot was handed over by the one that left (running was not decremented for it).
    return this.leaver();
  }

  get inUse(): number {
    return this.running;
  }

  get queued(): number {
    return this.waiting.length;
  }

  private leaver(): () => void {
    let left = false;
    return () => {
      if (left) return;
      left = true;
      const next = this.waiting.shift();
      if (next) {
        // Hand the slot over: the next one counts as running from now, so the lane is never over-admitted in between.
        if (next.timer) clearTimeout(next.timer);
        next.admit();
      } else {
        this.running--;
      }
    };
  }
}
