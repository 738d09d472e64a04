import { writeFileSync } from "node:fs";
import type http from "node:http";
import { Session } from "node:inspector/promises";

// The protocol between the peer benchmark (parent) and each server it starts (child, one per peer):
// the child listens on a free loopback port and answers the parent over Node's IPC channel, so the
// parent measures each server's own CPU (process.cpuUsage, all threads), the requests it served, and
// — for the hub — takes a CPU profile of exactly the load window.

export type ParentMessage =
  | { readonly type: "usage" }
  | { readonly type: "profile-start"; readonly intervalMicros: number }
  | { readonly type: "profile-stop"; readonly file: string }
  | { readonly type: "stop" };

export interface Usage {
  /** User + system CPU of the whole process since it started, µs. */
  readonly cpuMicros: number;
  /** HTTP requests received since the server started. */
  readonly served: number;
  /** SQL statements the server sent, when it counts them itself (the hub on PGlite); else null. */
  readonly statements: number | null;
  /** Resident set size now, and the most it has been since the process started (bytes). */
  readonly rssBytes: number;
  readonly maxRssBytes: number;
}

export type ChildMessage =
  | { readonly type: "ready"; readonly port: number }
  | ({ readonly type: "usage" } & Usage)
  | { readonly type: "profile-started" }
  | { readonly type: "profile-stopped"; readonly file: string }
  | { readonly type: "failed"; readonly message: string };

export interface ChildServer {
  readonly server: http.Server;
  /** Statements sent so far, when the server counts them. */
  statements?(): number;
  /** Closes the HTTP server and the database. */
  close(): Promise<void>;
}

function send(message: ChildMessage): void {
  process.send?.(message);
}

/** The child's configuration: one JSON argument. */
export function childConfig<T>(): T {
  const raw = process.argv[2];
  if (!raw) throw new Error("a bench server child takes its configuration as one JSON argument");
  return JSON.parse(raw) as T;
}

/** Starts the server, listens on 127.0.0.1 (a free port), and serves the parent's requests until told to stop. */
export async function runChild(start: () => Promise<ChildServer>): Promise<void> {
  if (!process.send) throw new Error("a bench server child must be started by the peer benchmark (it needs an IPC channel)");
  let child: ChildServer;
  try {
    child = await start();
  } catch (error) {
    send({ type: "failed", message: (error as Error).stack ?? String(error) });
    process.exit(1);
  }
  let served = 0;
  child.server.on("request", () => void served++);
  await new Promise<void>((resolve, reject) => {
    child.server.once("error", reject);
    child.server.listen(0, "127.0.0.1", () => resolve());
  });
  const address = child.server.address();
  let session: Session | undefined;
  process.on("message", (message: ParentMessage) => {
    void (async () => {
      switch (message.type) {
        case "usage": {
          const cpu = process.cpuUsage();
          send({
            type: "usage",
            cpuMicros: cpu.user + cpu.system,
            served,
            statements: child.statements?.() ?? null,
            rssBytes: process.memoryUsage.rss(),
            // maxRSS is in kilobytes.
            maxRssBytes: process.resourceUsage().maxRSS * 1024,
          });
          return;
        }
        case "profile-start":
          session = new Session();
          session.connect();
          await session.post("Profiler.enable");
          await session.post("Profiler.setSamplingInterval", { interval: message.intervalMicros });
          await session.post("Profiler.start");
          send({ type: "profile-started" });
          return;
        case "profile-stop": {
          const { profile } = await session!.post("Profiler.stop");
          session!.disconnect();
          session = undefined;
          writeFileSync(message.file, JSON.stringify(profile));
          send({ type: "profile-stopped", file: message.file });
          return;
        }
        case "stop":
          // The load has ended: drop the idle keep-alive connections, then the server's own shutdown.
          child.server.closeIdleConnections();
          await child.close();
          process.exit(0);
      }
    })().catch((error: unknown) => {
      send({ type: "failed", message: (error as Error).stack ?? String(error) });
      process.exit(1);
    });
  });
  // The parent gone (crash, Ctrl-C): do not linger.
  process.on("disconnect", () => process.exit(0));
  send({ type: "ready", port: typeof address === "object" && address ? address.port : 0 });
}
