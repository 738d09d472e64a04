import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import type { TestProject } from "vitest/node";
import { findPostgresBinaries, queryServerVersion, startThrowawayCluster, type ThrowawayCluster } from "./postgres-cluster.js";

// Runs once per `vitest run`, in the main process: decides which databases the suite runs on and hands
// the test workers what they need through `inject()` (see databases.ts).

declare module "vitest" {
  export interface ProvidedContext {
    /** Superuser URL of a PostgreSQL server that test files may create databases on; null → PGlite only. */
    postgresUrl: string | null;
    /** A directory private to this run where databases.ts caches a migrated PGlite data dir; null → no cache. */
    pgliteTemplateDir: string | null;
  }
}

function isCi(): boolean {
  const ci = (process.env.CI ?? "").toLowerCase();
  return ci === "true" || ci === "1";
}

function redact(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = "***";
    return u.toString();
  } catch {
    return "(unparseable URL)";
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const templateDir = mkdtempSync(path.join(os.tmpdir(), "pglite-template-"));
  project.provide("pgliteTemplateDir", templateDir);

  let cluster: ThrowawayCluster | undefined;
  let postgresUrl: string | null = null;
  let line: string;

  const external = process.env.TEST_DATABASE_URL;
  if (external) {
    let version: string;
    try {
      version = await queryServerVersion(external);
    } catch (error) {
      rmSync(templateDir, { recursive: true, force: true });
      throw new Error(`TEST_DATABASE_URL (${redact(external)}) is set but not reachable: ${(error as Error).message}`, {
        cause: error,
      });
    }
    postgresUrl = external;
    line = `databases under test: pglite, postgresql ${version} (TEST_DATABASE_URL)`;
  } else if (findPostgresBinaries()) {
    const started = performance.now();
    try {
      cluster = await startThrowawayCluster();
    } catch (error) {
      rmSync(templateDir, { recursive: true, force: true });
      throw error;
    }
    postgresUrl = cluster.url;
    const ms = Math.round(performance.now() - started);
    line = `databases under test: pglite, postgresql ${cluster.version} (throwaway cluster, started in ${ms} ms)`;
  } else if (isCi()) {
    rmSync(templateDir, { recursive: true, force: true });
    throw new Error(
      "CI must test on real PostgreSQL, but no server binaries were found (initdb/pg_ctl on PATH or /usr/lib/postgresql/*/bin) " +
        "and TEST_DATABASE_URL is not set; .ci/run installs the postgresql package",
    );
  } else {
    line = "databases under test: pglite only (no PostgreSQL binaries; set TEST_DATABASE_URL)";
  }

  project.provide("postgresUrl", postgresUrl);
  console.log(line);

  return async () => {
    try {
      await cluster?.stop();
    } finally {
      rmSync(templateDir, { recursive: true, force: true });
    }
  };
}
