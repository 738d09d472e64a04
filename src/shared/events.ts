import { EventEmitter } from "node:events";
import { Repeater, SlidingBuffer } from "@repeaterjs/repeater";

// What happened, for live notifications (GraphQL subscriptions, src/subscription-server.ts). An event
// names records and carries no data of a household: each subscriber's own request context reads the
// record and projects it under that subscriber's policy, as a query would. An event can therefore be
// published early or twice without disclosing anything — the reader finds what actually committed.
//
// In-process: one hub process's requests reach its own subscribers. Several instances on one
// PostgreSQL would need a shared channel (LISTEN/NOTIFY) behind the same interface.

export type NeedActivityKind = "CLAIMED" | "FULFILLED" | "RELEASED" | "EXPIRED";

/** A need became open for matching: posted, or back from a released or expired claim. */
export interface NeedOpenedEvent {
  readonly needId: string;
  readonly category: string;
  readonly areaCode: string;
}

/** A claim on a need moved. */
export interface NeedActivityEvent {
  readonly kind: NeedActivityKind;
  readonly claimId: string;
  readonly needId: string;
  readonly areaCode: string;
  readonly at: Date;
}

export interface HubEventTopics {
  NEED_OPENED: NeedOpenedEvent;
  NEED_ACTIVITY: NeedActivityEvent;
}
export type HubEventTopic = keyof HubEventTopics;
/** A topic and its event, as publish takes them. */
export type HubEvent = { [T in HubEventTopic]: [topic: T, event: HubEventTopics[T]] }[HubEventTopic];

/** Events a subscriber has not taken yet are kept up to this many; older ones are dropped first. */
export const SUBSCRIBER_BUFFER = 256;

/** The hub's event bus: publish to every current subscriber of a topic. */
export class HubEvents {
  private readonly emitter = new EventEmitter();

  constructor() {
    // Subscribers are bounded by the subscription server's per-caller limit, not by this warning.
    this.emitter.setMaxListeners(0);
  }

  publish(...[topic, event]: HubEvent): void {
    this.emitter.emit(topic, event);
  }

  /** The topic's events from now on; `return()` on the iterator unsubscribes at once. */
  subscribe<T extends HubEventTopic>(topic: T): AsyncIterableIterator<HubEventTopics[T]> {
    const emitter = this.emitter;
    return new Repeater<HubEventTopics[T]>(async (push, stop) => {
      const listener = (event: HubEventTopics[T]) => void push(event);
      emitter.on(topic, listener);
      await stop;
      emitter.off(topic, listener);
    }, new SlidingBuffer(SUBSCRIBER_BUFFER));
  }

  listenerCount(topic: HubEventTopic): number {
    return this.emitter.listenerCount(topic);
  }
}

/**
 * One request's events, published when the request is done — after its transaction committed (a keyed
 * mutation commits only as its response is sent). Services add to it; the server flushes it.
 */
export class EventOutbox {
  private pending: HubEvent[] = [];

  constructor(private readonly bus: HubEvents | null) {}

  add(...event: HubEvent): void {
    if (this.bus) this.pending.push(event);
  }

  flush(): void {
    const pending = this.pending;
    this.pending = [];
    for (const event of pending) this.bus!.publish(...event);
  }

  get size(): number {
    return this.pending.length;
  }
}
