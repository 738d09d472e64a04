import { describe, expect, it } from "vitest";
import { EventOutbox, HubEvents, SUBSCRIBER_BUFFER } from "../../src/shared/events.js";

const opened = (n: number) => ({ needId: `need-${n}`, category: "MEDICAL", areaCode: "130104001001" });

describe("the hub's event bus", () => {
  it("delivers to each subscriber from its subscription on, and a return() unsubscribes at once", async () => {
    const bus = new HubEvents();
    bus.publish("NEED_OPENED", opened(0)); // before anyone listens: nobody hears it
    const a = bus.subscribe("NEED_OPENED");
    const b = bus.subscribe("NEED_OPENED");
    const first = a.next(); // starts a's listener
    void b.next().then(() => {});
    expect(bus.listenerCount("NEED_OPENED")).toBe(2);
    bus.publish("NEED_OPENED", opened(1));
    bus.publish("NEED_ACTIVITY", { kind: "CLAIMED", claimId: "c", needId: "n", areaCode: "130104001001", at: new Date() });
    expect((await first).value).toEqual(opened(1));
    // A pending next() ends at once on return(): the listener is gone.
    const waiting = a.next();
    await a.return!();
    expect(await waiting).toMatchObject({ done: true });
    await b.return!();
    expect(bus.listenerCount("NEED_OPENED")).toBe(0);
  });

  it("keeps at most SUBSCRIBER_BUFFER events for a slow subscriber, dropping the oldest", async () => {
    const bus = new HubEvents();
    const slow = bus.subscribe("NEED_OPENED");
    const first = slow.next();
    for (let i = 1; i <= SUBSCRIBER_BUFFER + 10; i++) bus.publish("NEED_OPENED", opened(i));
    expect((await first).value).toEqual(opened(1));
    // 2 … SUBSCRIBER_BUFFER + 10 waited; the newest SUBSCRIBER_BUFFER of them are kept.
    expect((await slow.next()).value).toEqual(opened(11));
    await slow.return!();
  });

  it("an outbox publishes only when flushed, once, and nothing without a bus", async () => {
    const bus = new HubEvents();
    const heard = bus.subscribe("NEED_OPENED");
    const next = heard.next();
    const outbox = new EventOutbox(bus);
    outbox.add("NEED_OPENED", opened(1));
    expect(outbox.size).toBe(1);
    await new Promise((r) => setTimeout(r, 10));
    outbox.flush();
    outbox.flush();
    expect((await next).value).toEqual(opened(1));
    const none = new EventOutbox(null);
    none.add("NEED_OPENED", opened(2));
    expect(none.size).toBe(0);
    await heard.return!();
  });
});
