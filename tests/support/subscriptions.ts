import { createClient, type Client } from "graphql-ws";
import WebSocket from "ws";

// A graphql-ws client for the tests: one socket, its subscriptions' results queued for `next()`.

export interface TestSubscription<T = Record<string, unknown>> {
  /** The next result sent, or a rejection after `timeoutMs`. */
  next(timeoutMs?: number): Promise<{ data?: T | null; errors?: ReadonlyArray<{ message: string; extensions?: Record<string, unknown> }> }>;
  /** Results received and not yet taken. */
  readonly pending: number;
  /** Resolves when the server completed the subscription (or refused it). */
  readonly ended: Promise<void>;
  unsubscribe(): void;
}

export interface TestSocket {
  readonly client: Client;
  /** The close event's code and reason, once the socket closed. */
  readonly closed: Promise<{ code: number; reason: string }>;
  subscribe<T = Record<string, unknown>>(query: string, variables?: Record<string, unknown>): TestSubscription<T>;
  dispose(): Promise<void>;
}

export function openSocket(wsUrl: string, connectionParams: Record<string, unknown> | null, options: { origin?: string } = {}): TestSocket {
  let closedWith!: (c: { code: number; reason: string }) => void;
  const closed = new Promise<{ code: number; reason: string }>((resolve) => (closedWith = resolve));
  const client = createClient({
    url: wsUrl,
    lazy: false,
    retryAttempts: 0,
    connectionParams: connectionParams ?? undefined,
    webSocketImpl: class extends WebSocket {
      constructor(address: string, protocols?: string | string[]) {
        super(address, protocols, options.origin ? { origin: options.origin } : {});
      }
    },
    on: { closed: (event) => closedWith({ code: (event as { code: number }).code, reason: String((event as { reason: unknown }).reason ?? "") }) },
    onNonLazyError: () => {},
  });
  return {
    client,
    closed,
    subscribe<T>(query: string, variables?: Record<string, unknown>): TestSubscription<T> {
      type R = Awaited<ReturnType<TestSubscription<T>["next"]>>;
      const queue: R[] = [];
      const waiting: Array<(r: R) => void> = [];
      let endedWith!: () => void;
      const ended = new Promise<void>((resolve) => (endedWith = resolve));
      const deliver = (r: R) => {
        const w = waiting.shift();
        if (w) w(r);
        else queue.push(r);
      };
      const unsubscribe = client.subscribe<T>(
        { query, variables },
        {
          next: (r) => deliver(r as R),
          error: (err) => {
            deliver({ errors: Array.isArray(err) ? err : [{ message: String((err as { reason?: string }).reason ?? err) }] } as R);
            endedWith();
          },
          complete: () => endedWith(),
        },
      );
      return {
        get pending() {
          return queue.length;
        },
        ended,
        unsubscribe,
        next(timeoutMs = 5_000) {
          const ready = queue.shift();
          if (ready) return Promise.resolve(ready);
          return new Promise<R>((resolve, reject) => {
            const timer = setTimeout(() => {
              waiting.splice(waiting.indexOf(done), 1);
              reject(new Error(`no subscription result within ${timeoutMs} ms`));
            }, timeoutMs);
            const done = (r: R) => {
              clearTimeout(timer);
              resolve(r);
            };
            waiting.push(done);
          });
        },
      };
    },
    dispose: () => client.dispose() as Promise<void>,
  };
}
