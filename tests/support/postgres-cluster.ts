import { execFile, execFileSync } from "node:child_process";
import { accessSync, chmodSync, chownSync, constants, existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import pg from "pg";

// A throwaway PostgreSQL cluster for the test run: initdb into a temp dir, start on a free loopback port,
// stop with `-m immediate` and delete. Nothing here touches a system-wide cluster or service.

const execFileAsync = promisify(execFile);

export interface ThrowawayCluster {
  /** Superuser URL of the cluster's `postgres` database (trust auth, loopback only). */
  readonly url: string;
  /** Server version, e.g. "15.18". */
  readonly version: string;
  /** Stops the server and removes its directory; idempotent. */
  stop(): Promise<void>;
  /** Stops the server (fast shutdown: connections are cut), runs `whileDown`, and starts it again on the same port. */
  restart(whileDown?: () => Promise<void>): Promise<void>;
}

const SERVER_TOOLS = ["initdb", "pg_ctl", "postgres"] as const;

function isExecutable(file: string): boolean {
  try {
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

function hasServerTools(dir: string): boolean {
  return SERVER_TOOLS.every((tool) => isExecutable(path.join(dir, tool)));
}

/**
 * The directory holding initdb, pg_ctl and postgres: the first PATH entry that has initdb and pg_ctl,
 * else the newest /usr/lib/postgresql/<major>/bin (Debian's layout, off PATH); null when none is found.
 */
export function findPostgresBinaries(): string | null {
  for (const dir of (process.env.PATH ?? "").split(path.delimiter)) {
    if (!dir) continue;
    if (isExecutable(path.join(dir, "initdb")) && isExecutable(path.join(dir, "pg_ctl"))) return dir;
  }
  const root = "/usr/lib/postgresql";
  let majors: string[];
  try {
    majors = readdirSync(root);
  } catch {
    return null;
  }
  const newestFirst = majors
    .filter((m) => /^\d+(\.\d+)?$/.test(m))
    .sort((a, b) => Number.parseFloat(b) - Number.parseFloat(a));
  for (const major of newestFirst) {
    const dir = path.join(root, major, "bin");
    if (hasServerTools(dir)) return dir;
  }
  return null;
}

/** `SHOW server_version`, first word ("15.18" from "15.18 (Debian 15.18-0+deb12u1)"). */
export async function queryServerVersion(url: string): Promise<string> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const result = await client.query<{ server_version: string }>("SHOW server_version");
    return (result.rows[0]?.server_version ?? "unknown").split(" ")[0] ?? "unknown";
  } finally {
    await client.end();
  }
}

/** A TCP port that was free on 127.0.0.1 a moment ago. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : 0;
      server.close(() => (port ? resolve(port) : reject(new Error("could not read a free port"))));
    });
  });
}

interface Runner {
  /** The command line to run `binary args` as the cluster's owner. */
  command(binary: string, args: readonly string[]): { file: string; args: string[] };
}

function runnerFor(asRoot: boolean): Runner {
  return {
    command: (binary, args) =>
      asRoot ? { file: "runuser", args: ["-u", "postgres", "--", binary, ...args] } : { file: binary, args: [...args] },
  };
}

function postgresIds(): { uid: number; gid: number } {
  try {
    const uid = Number(execFileSync("id", ["-u", "postgres"], { encoding: "utf8" }).trim());
    const gid = Number(execFileSync("id", ["-g", "postgres"], { encoding: "utf8" }).trim());
    return { uid, gid };
  } catch {
    throw new Error("running as root: PostgreSQL refuses to run as root and there is no 'postgres' OS user to run it as");
  }
}

function readLog(file: string): string {
  try {
    return readFileSync(file, "utf8").trim().split("\n").slice(-15).join("\n");
  } catch {
    return "(no server log)";
  }
}

function describeFailure(step: string, error: unknown, logFile?: string): Error {
  const e = error as { stderr?: string; stdout?: string; message?: string };
  const output = [e.stderr, e.stdout].filter((s) => s && s.trim()).join("\n").trim();
  const log = logFile ? `\nserver log:\n${readLog(logFile)}` : "";
  return new Error(`${step} failed: ${output || e.message || String(error)}${log}`, { cause: error });
}

// Clusters still running when the process exits (a teardown that never ran) are stopped synchronously.
const running = new Set<() => void>();
let exitHookInstalled = false;
function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.once("exit", () => {
    for (const stopNow of running) stopNow();
  });
}

/** Starts a private PostgreSQL server for this test run. Needs the server binaries (see findPostgresBinaries). */
export async function startThrowawayCluster(): Promise<ThrowawayCluster> {
  const bin = findPostgresBinaries();
  if (!bin) throw new Error("no PostgreSQL server binaries (initdb, pg_ctl) on PATH or under /usr/lib/postgresql/*/bin");
  const initdb = path.join(bin, "initdb");
  const pgCtl = path.join(bin, "pg_ctl");
  const asRoot = typeof process.getuid === "function" && process.getuid() === 0;
  const runner = runnerFor(asRoot);

  const dir = mkdtempSync(path.join(os.tmpdir(), "pg-test-"));
  const dataDir = path.join(dir, "data");
  const logFile = path.join(dir, "log");
  // cwd for the tools: the caller's cwd may not be readable by the postgres user.
  const run = async (binary: string, args: readonly string[]) => {
    const { file, args: argv } = runner.command(binary, args);
    return execFileAsync(file, argv, { cwd: dir, encoding: "utf8", timeout: 120_000 });
  };

  let started = false;
  let removed = false;
  const stopNow = () => {
    // Synchronous variant for the exit hook and for cleanup after a failed start.
    if (started) {
      const { file, args } = runner.command(pgCtl, ["-D", dataDir, "-m", "immediate", "-w", "stop"]);
      try {
        execFileSync(file, args, { cwd: dir, stdio: "ignore", timeout: 60_000 });
      } catch {
        // Already stopped (or never came up): nothing more to do.
      }
      started = false;
    }
    if (!removed) {
      rmSync(dir, { recursive: true, force: true });
      removed = true;
    }
    running.delete(stopNow);
  };
  installExitHook();
  running.add(stopNow);

  try {
    if (asRoot) {
      const { uid, gid } = postgresIds();
      chownSync(dir, uid, gid);
      chmodSync(dir, 0o700);
    }
    try {
      await run(initdb, ["-D", dataDir, "-A", "trust", "-U", "postgres", "--no-sync", "-E", "UTF8", "--locale=C"]);
    } catch (error) {
      throw describeFailure("initdb", error);
    }

    // The port is free when picked but may be taken before the server binds it: retry a few times.
    let url = "";
    let serverOptions = "";
    for (let attempt = 1; ; attempt++) {
      const port = await freePort();
      const options = [
        `-p ${port}`,
        // pg_ctl passes -o through /bin/sh: quote the socket directory.
        `-k '${dir.replaceAll("'", "'\\''")}'`,
        "-c listen_addresses=127.0.0.1",
        "-c fsync=off",
        "-c synchronous_commit=off",
        "-c full_page_writes=off",
      ].join(" ");
      started = true; // from here on a stop is attempted on cleanup, even if start fails midway
      try {
        await run(pgCtl, ["-w", "-D", dataDir, "-o", options, "-l", logFile, "start"]);
        url = `postgres://postgres@127.0.0.1:${port}/postgres`;
        serverOptions = options;
        break;
      } catch (error) {
        const log = readLog(logFile);
        const portTaken = /could not bind|address already in use/i.test(log);
        if (!portTaken || attempt >= 3) throw describeFailure("pg_ctl start", error, logFile);
        stopNowServerOnly(runner, pgCtl, dataDir, dir);
        started = false;
      }
    }
    const version = await queryServerVersion(url);

    let stopping: Promise<void> | undefined;
    return {
      url,
      version,
      restart: async (whileDown) => {
        await run(pgCtl, ["-D", dataDir, "-m", "fast", "-w", "stop"]);
        try {
          await whileDown?.();
        } finally {
          await run(pgCtl, ["-w", "-D", dataDir, "-o", serverOptions, "-l", logFile, "start"]);
        }
      },
      stop: () => {
        stopping ??= (async () => {
          if (started) {
            try {
              await run(pgCtl, ["-D", dataDir, "-m", "immediate", "-w", "stop"]);
            } catch {
              // Already gone: fall through to removing the directory.
            }
            started = false;
          }
          stopNow();
        })();
        return stopping;
      },
    };
  } catch (error) {
    stopNow();
    throw error;
  }
}

function stopNowServerOnly(runner: Runner, pgCtl: string, dataDir: string, cwd: string): void {
  if (!existsSync(path.join(dataDir, "postmaster.pid"))) return;
  const { file, args } = runner.command(pgCtl, ["-D", dataDir, "-m", "immediate", "-w", "stop"]);
  try {
    execFileSync(file, args, { cwd, stdio: "ignore", timeout: 60_000 });
  } catch {
    // not running
  }
}
