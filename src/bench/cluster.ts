import { execFile, execFileSync } from "node:child_process";
import { accessSync, chmodSync, chownSync, constants, copyFileSync, mkdtempSync, readFileSync, readdirSync, rmSync } from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";

// The benchmark's throwaway PostgreSQL: initdb into a temp dir, start on a free loopback port (as the
// `postgres` OS user when run as root: PostgreSQL refuses root), stop with `-m immediate` and delete.
// Like tests/support/postgres-cluster.ts, plus pg_stat_statements preloaded: statements per request
// are counted by the server, the same way for every peer.

const execFileAsync = promisify(execFile);

export interface BenchCluster {
  /** Superuser URL of the cluster's `postgres` database (trust auth, loopback only). */
  readonly url: string;
  /** URL of another database or role on the same server. */
  urlFor(options: { database?: string; user?: string }): string;
  stop(): Promise<void>;
}

function isExecutable(file: string): boolean {
  try {
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** initdb/pg_ctl on PATH, else the newest /usr/lib/postgresql/<major>/bin; null when none. */
export function findPostgresBinaries(): string | null {
  for (const dir of (process.env.PATH ?? "").split(path.delimiter)) {
    if (dir && isExecutable(path.join(dir, "initdb")) && isExecutable(path.join(dir, "pg_ctl"))) return dir;
  }
  let majors: string[];
  try {
    majors = readdirSync("/usr/lib/postgresql");
  } catch {
    return null;
  }
  for (const major of majors.filter((m) => /^\d+$/.test(m)).sort((a, b) => Number(b) - Number(a))) {
    const dir = path.join("/usr/lib/postgresql", major, "bin");
    if (isExecutable(path.join(dir, "initdb")) && isExecutable(path.join(dir, "pg_ctl"))) return dir;
  }
  return null;
}

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

export async function startBenchCluster(): Promise<BenchCluster> {
  const bin = findPostgresBinaries();
  if (!bin) throw new Error("no PostgreSQL server binaries (initdb, pg_ctl) on PATH or under /usr/lib/postgresql/*/bin (Debian: apt-get install postgresql)");
  const asRoot = process.getuid?.() === 0;
  const command = (binary: string, args: string[]) =>
    asRoot ? { file: "runuser", args: ["-u", "postgres", "--", path.join(bin, binary), ...args] } : { file: path.join(bin, binary), args };
  const dir = mkdtempSync(path.join(os.tmpdir(), "pg-bench-"));
  const dataDir = path.join(dir, "data");
  const logFile = path.join(dir, "log");
  const explainMs = process.env.BENCH_EXPLAIN_MS && /^\d+$/.test(process.env.BENCH_EXPLAIN_MS) ? process.env.BENCH_EXPLAIN_MS : null;
  const run = (binary: string, args: string[]) => {
    const c = command(binary, args);
    return execFileAsync(c.file, c.args, { cwd: dir, encoding: "utf8", timeout: 120_000 });
  };
  let started = false;
  const stopSync = () => {
    if (started) {
      const c = command("pg_ctl", ["-D", dataDir, "-m", "immediate", "-w", "stop"]);
      try {
        execFileSync(c.file, c.args, { cwd: dir, stdio: "ignore", timeout: 60_000 });
      } catch {
        // already stopped
      }
      started = false;
    }
    rmSync(dir, { recursive: true, force: true });
  };
  // A crash or Ctrl-C must not leave a server running.
  const onExit = () => stopSync();
  process.once("exit", onExit);
  try {
    if (asRoot) {
      const uid = Number(execFileSync("id", ["-u", "postgres"], { encoding: "utf8" }).trim());
      const gid = Number(execFileSync("id", ["-g", "postgres"], { encoding: "utf8" }).trim());
      chownSync(dir, uid, gid);
      chmodSync(dir, 0o700);
    }
    await run("initdb", ["-D", dataDir, "-A", "trust", "-U", "postgres", "--no-sync", "-E", "UTF8", "--locale=C"]);
    const port = await freePort();
    const options = [
      `-p ${port}`,
      `-k '${dir.replaceAll("'", "'\\''")}'`,
      "-c listen_addresses=127.0.0.1",
      // Throwaway data: no durability (as the test suite's cluster). Commits cost no fsync here.
      "-c fsync=off",
      "-c synchronous_commit=off",
      "-c full_page_writes=off",
      // BENCH_EXPLAIN_MS=n: every statement slower than n ms is logged with its plan (auto_explain, ANALYZE
      // and BUFFERS), and the server's log is kept as BENCH_EXPLAIN_LOG (default /tmp/bench-explain.log).
      explainMs
        ? `-c shared_preload_libraries=pg_stat_statements,auto_explain -c auto_explain.log_min_duration=${explainMs} -c auto_explain.log_analyze=on -c auto_explain.log_buffers=on`
        : "-c shared_preload_libraries=pg_stat_statements",
      "-c pg_stat_statements.track=top",
      "-c pg_stat_statements.track_utility=on",
      "-c max_connections=100",
      "-c shared_buffers=256MB",
    ].join(" ");
    started = true;
    try {
      await run("pg_ctl", ["-w", "-D", dataDir, "-o", options, "-l", logFile, "start"]);
    } catch (error) {
      let log = "";
      try {
        log = readFileSync(logFile, "utf8").split("\n").slice(-15).join("\n");
      } catch {
        // no log
      }
      throw new Error(`pg_ctl start failed: ${(error as Error).message}\n${log}`, { cause: error });
    }
    const urlFor = ({ database = "postgres", user = "postgres" }: { database?: string; user?: string }) =>
      `postgres://${encodeURIComponent(user)}@127.0.0.1:${port}/${encodeURIComponent(database)}`;
    return {
      url: urlFor({}),
      urlFor,
      stop: async () => {
        if (started) {
          await run("pg_ctl", ["-D", dataDir, "-m", "immediate", "-w", "stop"]).catch(() => {});
          started = false;
        }
        if (explainMs) {
          const kept = process.env.BENCH_EXPLAIN_LOG ?? "/tmp/bench-explain.log";
          copyFileSync(logFile, kept);
          process.stderr.write(`  … PostgreSQL's log with the plans of statements over ${explainMs} ms: ${kept}\n`);
        }
        stopSync();
        process.off("exit", onExit);
      },
    };
  } catch (error) {
    stopSync();
    process.off("exit", onExit);
    throw error;
  }
}
