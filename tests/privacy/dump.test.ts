import { execFile } from "node:child_process";
import { accessSync, constants, realpathSync } from "node:fs";
import path from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { generateDemoDistrict } from "../../src/demo/generate.js";
import { seedDemoDistrict } from "../../src/demo/seed.js";
import { testCipher } from "../support/cipher.js";
import { openTestDatabase, type TestDatabase } from "../support/databases.js";
import { findPostgresBinaries } from "../support/postgres-cluster.js";

// Encryption at rest, checked the way an attacker with a backup would look: a plain `pg_dump` of a
// seeded database must not contain one ID number, phone or bank account of the demo district, while the
// fields stored in clear (addresses, names) are there, which shows the search can find what is present.

const execFileAsync = promisify(execFile);
const postgresUrl = inject("postgresUrl") ?? null;

function isExecutable(file: string): boolean {
  try {
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/**
 * pg_dump from the server binaries' directory. That directory may hold symlinks (initdb in
 * /usr/local/bin pointing into /usr/lib/postgresql/<major>/bin): then the one next to initdb's target.
 */
function findPgDump(): string {
  const bin = findPostgresBinaries();
  if (!bin) throw new Error("no PostgreSQL binaries (initdb) found; cannot locate pg_dump");
  const candidates = [path.join(bin, "pg_dump"), path.join(path.dirname(realpathSync(path.join(bin, "initdb"))), "pg_dump")];
  const found = candidates.find(isExecutable);
  if (!found) throw new Error(`no pg_dump next to initdb (looked at ${candidates.join(", ")})`);
  return found;
}

describe.skipIf(postgresUrl === null)("a pg_dump of a seeded PostgreSQL database", () => {
  let h: TestDatabase;
  let dump: string;
  const district = generateDemoDistrict();

  beforeAll(async () => {
    h = await openTestDatabase("postgres");
    await seedDemoDistrict(h.db, testCipher());
    const database = h.name.slice("postgres/".length);
    expect(database).toMatch(/^t_[0-9a-f]+$/);
    const url = new URL(postgresUrl!);
    url.pathname = `/${database}`;
    // A client only: it runs as whoever runs the tests.
    const started = performance.now();
    ({ stdout: dump } = await execFileAsync(findPgDump(), [`--dbname=${url.toString()}`, "--no-password"], {
      encoding: "utf8",
      maxBuffer: 256 * 1024 * 1024,
      timeout: 120_000,
    }));
    console.log(`pg_dump: ${dump.length} characters in ${Math.round(performance.now() - started)} ms`);
  });
  afterAll(() => h?.close());

  it("contains the demo district (control: the search finds values stored in clear)", () => {
    expect(dump).toContain("COPY public.persons");
    expect(dump).toContain("COPY public.households");
    for (const household of district.households) expect(dump, household.householdNo).toContain(household.address);
    for (const person of district.persons) expect(dump, person.id).toContain(person.name);
    // The protected columns are in the dump too, as encrypted values.
    const sealed = dump.match(/\bv1\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+/g) ?? [];
    const withValues =
      district.persons.length +
      district.persons.filter((p) => p.phone).length +
      district.households.filter((hh) => hh.bankAccount).length;
    expect(sealed).toHaveLength(withValues);
  });

  it("contains no ID number, phone or bank account of the demo district", () => {
    const secrets = [
      ...district.persons.map((p) => ({ kind: "ID number", of: p.id, value: p.idNumber })),
      ...district.persons.flatMap((p) => (p.phone ? [{ kind: "phone", of: p.id, value: p.phone }] : [])),
      ...district.households.flatMap((hh) => (hh.bankAccount ? [{ kind: "bank account", of: hh.id, value: hh.bankAccount }] : [])),
    ];
    expect(secrets.length).toBeGreaterThan(district.persons.length);
    const found = secrets.filter((s) => dump.includes(s.value));
    // Reported by kind and row id, never by value.
    expect(found.map((s) => `${s.kind} of ${s.of}`)).toEqual([]);
  });
});
