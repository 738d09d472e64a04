import DataLoader from "dataloader";
import { turnFor, type Lane } from "./turns.js";

// Every per-request loader is fair to other requests (src/shared/turns.ts):
//  - it dispatches its batch on the next turn of the event loop (setImmediate), not in the same
//    microtask run — on the embedded database a query runs synchronously inside a promise, so a
//    request of many batches would otherwise hold the thread from its first batch to its response;
//    a turn also lets keys that arrive over several microtask runs share one batch;
//  - its answers are yield points, handed out one after another in the order they were asked for:
//    a batch of 1,000 parents resumes their resolvers slice by slice, not all in one run. (Checking
//    the slice as each answer arrives would not do: all 1,000 checks would run before the first
//    resolver's work. Chained, each check runs after the previous resolver's synchronous part.)

const nextTurn = (dispatch: () => void): void => void setImmediate(dispatch);

export class FairLoader<K, V> extends DataLoader<K, V> {
  /** `lane`: the request's priority (its answers wait behind interactive requests when it is heavy). */
  constructor(
    batch: DataLoader.BatchLoadFn<K, V>,
    private readonly lane: Lane | null = null,
  ) {
    super(batch, { batchScheduleFn: lane ? (dispatch) => lane.scheduleBatch(dispatch) : nextTurn });
  }

  private tail: Promise<unknown> = Promise.resolve();
  // Made once per loader, not per load (a page's relations are hundreds of loads).
  private readonly ready = (): void => this.lane?.handoutReady();
  private readonly done = (): void => this.lane?.handoutDone();
  private readonly handOut = (value: V): V | Promise<V> => {
    const turn = turnFor(this.lane);
    return turn ? turn.then(() => value) : value;
  };

  override load(key: K): Promise<V> {
    const answer = super.load(key);
    if (this.lane) answer.then(this.ready, this.ready);
    const handedOut = this.tail.then(() => answer).then(this.handOut);
    // Registered before the caller's own reaction: counted as handed out just before its resolver resumes.
    this.tail = handedOut.then(this.done, this.done);
    return handedOut;
  }
}
