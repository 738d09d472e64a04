import { spawn, type ChildProcess } from "node:child_process";
import { readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import type { ChildMessage, ParentMessage, Usage } from "./child.js";

// A benchmarked server in its own process (servers/*.ts over child.ts's protocol): started, asked
// over IPC, stopped. Shared by the peer benchmark and the claims benchmark.

const HERE = path.dirname(fileURLToPath(import.meta.url));
const ROOT = path.resolve(HERE, "..", "..");

/** The V8 flags `npm start` gives the hub (its heap limit): the benchmarked hub runs as the served one. */
export const HUB_NODE_FLAGS: readonly string[] = (JSON.parse(readFileSync(path.join(ROOT, "package.json"), "utf8")) as { scripts: { start: string } }).scripts.start
  .split(/\s+/)
  .filter((arg) => /^--max-(old|semi)-space-size=\d+$/.test(arg));

/** Spawns `servers/<entry>` with its configuration; stdout (a request log) to /dev/null, stderr kept for failures. */
export function spawnServerChild(entry: string, config: unknown, options: { hub: boolean; preload?: readonly string[] }): ChildProcess {
  return spawn(
    process.execPath,
    [...(options.hub ? HUB_NODE_FLAGS : []), ...(options.preload ?? []).flatMap((p) => ["--import", p]), "--import", "tsx", path.join(HERE, "servers", entry), JSON.stringify(config)],
    { cwd: ROOT, stdio: ["ignore", "ignore", "pipe", "ipc"], env: { ...process.env, NODE_ENV: "production" } },
  );
}

export class ServerProcess {
  port = 0;
  private stderr = "";
  private readonly waiting = new Map<string, { resolve: (m: ChildMessage) => void; reject: (e: Error) => void }>();
  private exited: Error | null = null;

  constructor(
    readonly label: string,
    private readonly child: ChildProcess,
  ) {
    child.stderr?.setEncoding("utf8");
    child.stderr?.on("data", (chunk: string) => {
      this.stderr = (this.stderr + chunk).slice(-8000);
    });
    child.on("message", (message: ChildMessage) => {
      if (message.type === "failed") {
        this.fail(new Error(`${label} failed: ${message.message}`));
        return;
      }
      const w = this.waiting.get(message.type);
      if (w) {
        this.waiting.delete(message.type);
        w.resolve(message);
      }
    });
    child.on("exit", (code, signal) => {
      this.fail(new Error(`${label} exited (${signal ?? code})${this.stderr ? `:\n${this.stderr.trim()}` : ""}`));
    });
  }

  private fail(error: Error): void {
    this.exited ??= error;
    for (const w of this.waiting.values()) w.reject(error);
    this.waiting.clear();
  }

  /** Sends `message` (if any) and waits for the child's message of type `reply`. */
  ask<T extends ChildMessage["type"]>(reply: T, message?: ParentMessage, timeoutMs = 180_000): Promise<Extract<ChildMessage, { type: T }>> {
    if (this.exited) return Promise.reject(this.exited);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiting.delete(reply);
        reject(new Error(`${this.label}: no "${reply}" within ${timeoutMs / 1000} s${this.stderr ? `:\n${this.stderr.trim()}` : ""}`));
      }, timeoutMs);
      this.waiting.set(reply, {
        resolve: (m) => {
          clearTimeout(timer);
          resolve(m as Extract<ChildMessage, { type: T }>);
        },
        reject: (e) => {
          clearTimeout(timer);
          reject(e);
        },
      });
      if (message) this.child.send(message);
    });
  }

  async usage(): Promise<Usage> {
    return this.ask("usage", { type: "usage" });
  }

  get pid(): number {
    return this.child.pid ?? 0;
  }

  async stop(): Promise<void> {
    if (this.exited) return;
    const gone = new Promise<void>((resolve) => this.child.once("exit", () => resolve()));
    this.child.send({ type: "stop" } satisfies ParentMessage);
    const timer = setTimeout(() => this.child.kill("SIGKILL"), 20_000);
    await gone;
    clearTimeout(timer);
  }
}
