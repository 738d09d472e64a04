// Turns of the event loop, shared fairly. The hub runs on one thread, and on the embedded database
// even its queries run synchronously inside promises: a heavy request resumed from one batch of rows
// could hold the thread for hundreds of milliseconds while other callers' requests wait unread.
// Work is therefore cut into slices: code at a yield point (a guarded resolver's entry, a loader's
// answer) asks `fairTurn()`; while the current slice is under SLICE_MS it goes on at once, after that
// it waits for the next turn of the event loop — where pending I/O (other requests) is served first —
// and for a fresh slice.

/** Longest run of work between turns of the event loop, in ms. */
export const SLICE_MS = 8;

let sliceStart = -1;

function sliceElapsed(): number {
  const now = performance.now();
  if (sliceStart < 0) {
    sliceStart = now;
    // Queued at the start of the slice, so it runs at the start of the next turn: a fresh slice there.
    setImmediate(() => {
      sliceStart = -1;
    });
  }
  return now - sliceStart;
}

const nextTurn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

async function waitForSlice(): Promise<void> {
  do await nextTurn();
  while (sliceElapsed() > SLICE_MS);
}

/** Undefined while the current slice has time left (go on); else a promise of a fresh slice. */
export function fairTurn(): Promise<void> | undefined {
  return sliceElapsed() > SLICE_MS ? waitForSlice() : undefined;
}

/** `value`, at once while the slice has time, else once a fresh slice has begun. */
export function afterFairTurn<T>(value: T): T | Promise<T> {
  const turn = fairTurn();
  return turn ? turn.then(() => value) : value;
}

// Two priorities. A request is interactive until the heavy lane (server.ts) takes it for a heavy
// query; then its yield points let every interactive request in flight go first — for at most
// MAX_BACKGROUND_WAIT_MS at each point, so a heavy query still progresses on a busy hub (and, if it
// cannot finish within its deadline there, is answered DEADLINE_EXCEEDED, to be retried).

/** Longest wait of a heavy request's yield point behind interactive requests, in ms. */
export const MAX_BACKGROUND_WAIT_MS = 50;

let interactiveInFlight = 0;

/** One request's priority, shared by its resolvers and loaders. */
export class Lane {
  private heavyNow = false;
  private counted = false;

  /** The request has started: it counts as interactive until it is heavy or ends. */
  begin(): void {
    if (this.counted || this.heavyNow) return;
    this.counted = true;
    interactiveInFlight++;
  }

  get heavy(): boolean {
    return this.heavyNow;
  }

  /** The request runs a heavy query from now on: it stops counting as interactive. */
  markHeavy(): void {
    this.heavyNow = true;
    this.end();
  }

  // Loader answers that have arrived but wait for their turn to be handed out, and guarded resolvers
  // waiting for their turn to start (deadline.ts). A loader of this request dispatches its next batch
  // only once there are none, so the resolvers they resume have all asked for their keys first: slicing
  // the work never splits what would have been one batch (a list whose slice ran out at its 4th item
  // still loads its 50 households in one statement).
  private readyHandouts = 0;
  private readonly dispatchWhenQuiet: Array<() => void> = [];

  handoutReady(): void {
    this.readyHandouts++;
  }

  handoutDone(): void {
    this.readyHandouts--;
    if (this.readyHandouts === 0) for (const dispatch of this.dispatchWhenQuiet.splice(0)) setImmediate(dispatch);
  }

  /**
   * Schedules a loader's batch: on the next turn, once nothing of this request waits to be handed out
   * — checked again when that turn comes, as the rest of a list may have yielded after the first keys.
   */
  scheduleBatch(dispatch: () => void): void {
    setImmediate(() => {
      if (this.readyHandouts === 0) dispatch();
      else this.dispatchWhenQuiet.push(dispatch);
    });
  }

  /** The request has ended (idempotent). */
  end(): void {
    if (!this.counted) return;
    this.counted = false;
    interactiveInFlight--;
  }
}

async function waitBehindInteractive(): Promise<void> {
  const until = performance.now() + MAX_BACKGROUND_WAIT_MS;
  do await nextTurn();
  while (interactiveInFlight > 0 && performance.now() < until);
  while (sliceElapsed() > SLICE_MS) await nextTurn();
}

/** fairTurn() for a request in `lane`: a heavy one also waits behind interactive requests in flight. */
export function turnFor(lane: Lane | null | undefined): Promise<void> | undefined {
  if (lane?.heavy && interactiveInFlight > 0) return waitBehindInteractive();
  return fairTurn();
}
