import { spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { SignJWT, exportJWK, generateKeyPair } from "jose";
import { afterAll, describe, expect, it } from "vitest";
import { AuthError } from "../../src/auth/errors.js";
import { loadIssuerRegistryFile } from "../../src/auth/issuers.js";
import { authenticate } from "../../src/auth/verify.js";
import { ConfigError, loadConfig } from "../../src/config.js";
import type { OrganizationRow } from "../../src/modules/organizations/index.js";

const dir = mkdtempSync(path.join(os.tmpdir(), "issuers-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("configuration", () => {
  it("defaults to development on the embedded database", () => {
    const c = loadConfig({});
    expect(c).toMatchObject({ env: "development", port: 4000, host: "127.0.0.1", databaseUrl: undefined, devIssuer: true, introspection: true, seedDemo: "auto", lookupsPerMinute: 30 });
    expect(loadConfig({ LOOKUPS_PER_MINUTE: "5" }).lookupsPerMinute).toBe(5);
    expect(() => loadConfig({ LOOKUPS_PER_MINUTE: "0" })).toThrow(/LOOKUPS_PER_MINUTE/);
  });

  it("reads the operation limits, TLS and the CORS allowlist, with the documented defaults", () => {
    const c = loadConfig({});
    expect([c.limits, c.http]).toEqual([
      { maxAliases: 50, maxDepth: 12, maxDirectives: 50, maxTokens: 10_000, maxCost: 100_000, assumedListSize: 10, maxFieldRepeats: 10 },
      { behindTls: false, corsOrigins: [] },
    ]);
    const set = loadConfig({
      MAX_ALIASES: "5",
      MAX_DEPTH: "4",
      MAX_DIRECTIVES: "3",
      MAX_TOKENS: "2000",
      MAX_COST: "1000",
      MAX_FIELD_REPEATS: "2",
      BEHIND_TLS: "true",
      CORS_ORIGINS: " https://App.example , http://localhost:5173 ",
    });
    expect([set.limits, set.http]).toEqual([
      { maxAliases: 5, maxDepth: 4, maxDirectives: 3, maxTokens: 2_000, maxCost: 1_000, assumedListSize: 10, maxFieldRepeats: 2 },
      { behindTls: true, corsOrigins: ["https://app.example", "http://localhost:5173"] },
    ]);
    expect(() => loadConfig({ MAX_DEPTH: "0" })).toThrow(/MAX_DEPTH/);
    expect(() => loadConfig({ MAX_TOKENS: "many" })).toThrow(/MAX_TOKENS/);
    expect(() => loadConfig({ BEHIND_TLS: "maybe" })).toThrow(/BEHIND_TLS/);
    expect(() => loadConfig({ CORS_ORIGINS: "*" })).toThrow(/CORS_ORIGINS/);
    expect(() => loadConfig({ CORS_ORIGINS: "https://app.example/path" })).toThrow(/CORS_ORIGINS/);
  });

  it("reads the request limits with the documented defaults, and refuses a shutdown grace shorter than the deadline", () => {
    expect(loadConfig({}).requestLimits).toEqual({
      timeoutMs: 5_000,
      maxResponseBytes: 8 * 1024 * 1024,
      perCallerPerMinute: 600,
      anonymousPerMinute: 60,
      maxConcurrent: 8,
      heavyCost: 10_000,
      heavyAtOnce: 1,
    });
    const set = loadConfig({
      REQUEST_TIMEOUT_MS: "2500",
      MAX_RESPONSE_BYTES: "65536",
      REQUESTS_PER_MINUTE: "100",
      ANONYMOUS_REQUESTS_PER_MINUTE: "10",
      MAX_CONCURRENT_REQUESTS: "2",
      HEAVY_QUERY_COST: "500",
      HEAVY_QUERIES_AT_ONCE: "3",
    });
    expect(set.requestLimits).toEqual({ timeoutMs: 2_500, maxResponseBytes: 65_536, perCallerPerMinute: 100, anonymousPerMinute: 10, maxConcurrent: 2, heavyCost: 500, heavyAtOnce: 3 });
    expect(() => loadConfig({ REQUEST_TIMEOUT_MS: "20000", SHUTDOWN_GRACE_SECONDS: "15" })).toThrow(/SHUTDOWN_GRACE_SECONDS must be at least REQUEST_TIMEOUT_MS/);
    expect(() => loadConfig({ REQUEST_TIMEOUT_MS: "50" })).toThrow(/REQUEST_TIMEOUT_MS/);
    expect(() => loadConfig({ MAX_CONCURRENT_REQUESTS: "0" })).toThrow(/MAX_CONCURRENT_REQUESTS/);
  });

  it("keeps idempotent results 24 h and lets a retry wait 10 s unless configured otherwise", () => {
    expect(loadConfig({}).idempotency).toEqual({ ttlHours: 24, waitSeconds: 10 });
    expect(loadConfig({ IDEMPOTENCY_TTL_HOURS: "48", IDEMPOTENCY_WAIT_SECONDS: "0" }).idempotency).toEqual({ ttlHours: 48, waitSeconds: 0 });
    expect(() => loadConfig({ IDEMPOTENCY_TTL_HOURS: "0" })).toThrow(/IDEMPOTENCY_TTL_HOURS/);
    expect(() => loadConfig({ IDEMPOTENCY_TTL_HOURS: "1.5" })).toThrow(/IDEMPOTENCY_TTL_HOURS/);
    expect(() => loadConfig({ IDEMPOTENCY_WAIT_SECONDS: "61" })).toThrow(/IDEMPOTENCY_WAIT_SECONDS/);
  });

  it("in production requires trusted issuers, field keys and the audit signing key, and turns the dev issuer and introspection off", () => {
    expect(() => loadConfig({ NODE_ENV: "production" })).toThrow(/TRUSTED_ISSUERS_FILE/);
    expect(() => loadConfig({ NODE_ENV: "production", TRUSTED_ISSUERS_FILE: "x.json" })).toThrow(/FIELD_KEYS_FILE/);
    expect(() => loadConfig({ NODE_ENV: "production", TRUSTED_ISSUERS_FILE: "x.json", FIELD_KEYS_FILE: "k.json" })).toThrow(/AUDIT_SIGNING_KEY_FILE/);
    // (The signing key's custody rules are tested in tests/audit/custody.test.ts.)
    const signingKey = path.join(dir, "audit-signing-key.pem");
    writeFileSync(signingKey, "", { mode: 0o600 });
    const c = loadConfig({ NODE_ENV: "production", TRUSTED_ISSUERS_FILE: "x.json", FIELD_KEYS_FILE: "k.json", AUDIT_SIGNING_KEY_FILE: signingKey, DATA_DIR: path.join(dir, "data") });
    expect(c).toMatchObject({ devIssuer: false, introspection: false });
  });

  it("reports a bad setting by name without echoing its value", () => {
    let error: unknown;
    try {
      loadConfig({ PORT: "secret-looking-value", DATABASE_URL: "not a url with p4ssw0rd" });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as Error).message).toMatch(/PORT/);
    expect((error as Error).message).toMatch(/DATABASE_URL/);
    expect((error as Error).message).not.toMatch(/secret-looking-value|p4ssw0rd/);
  });
});

describe("the production trusted-issuers file", () => {
  const org = (code: string, issuer: string): OrganizationRow => ({
    id: "00000000-0000-4000-8000-00000000000" + (code === "QX-MZJ" ? "1" : "2"),
    code,
    kind: code === "QX-MZJ" ? "CIVIL_AFFAIRS" : "CHARITY",
    nameZh: "测试",
    nameEn: null,
    jurisdictionAreaCode: "130104000000",
    issuer,
    createdAt: new Date(),
    updatedAt: new Date(),
  });

  it("verifies tokens against the JWKS it names and enforces its org list", async () => {
    const { publicKey, privateKey } = await generateKeyPair("ES256", { extractable: true });
    const file = path.join(dir, "issuers.json");
    writeFileSync(
      file,
      JSON.stringify({
        issuers: [{ issuer: "https://idp.gov.example/realms/qiaoxi", algorithms: ["ES256"], jwks: { keys: [{ ...(await exportJWK(publicKey)), kid: "k1" }] }, orgs: ["QX-MZJ"] }],
      }),
    );
    const registry = loadIssuerRegistryFile(file);
    const orgs = new Map([
      ["QX-MZJ", org("QX-MZJ", "https://idp.gov.example/realms/qiaoxi")],
      ["CH-X", org("CH-X", "https://idp.gov.example/realms/qiaoxi")],
    ]);
    const options = { registry, audience: "hub", clockToleranceSeconds: 30, findOrganization: async (c: string) => orgs.get(c) ?? null };
    const token = (orgCode: string, role: string) =>
      new SignJWT({ org: orgCode, role }).setProtectedHeader({ alg: "ES256", kid: "k1" }).setIssuer("https://idp.gov.example/realms/qiaoxi").setAudience("hub").setSubject("u1").setExpirationTime("5m").sign(privateKey);

    const principal = await authenticate(`Bearer ${await token("QX-MZJ", "CASEWORKER")}`, options);
    expect(principal).toMatchObject({ subject: "u1", role: "CASEWORKER", org: { code: "QX-MZJ", kind: "CIVIL_AFFAIRS" } });
    // The organizations table binds CH-X to this issuer, but the file does not list it: refused.
    const refused = await authenticate(`Bearer ${await token("CH-X", "STAFF")}`, options).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(AuthError);
    expect((refused as AuthError).reason).toBe("ISSUER_NOT_BOUND");
  });

  it("refuses a file that is not valid, saying what is wrong", () => {
    const file = path.join(dir, "bad.json");
    writeFileSync(file, JSON.stringify({ issuers: [{ issuer: "x", algorithms: ["none"], jwks: { keys: [{}] } }] }));
    expect(() => loadIssuerRegistryFile(file)).toThrow(/invalid trusted issuers file .*algorithms/);
    writeFileSync(file, JSON.stringify({ issuers: [{ issuer: "x", jwks: { keys: [{}] }, jwksUri: "https://idp.example/jwks" }] }));
    expect(() => loadIssuerRegistryFile(file)).toThrow(/exactly one of jwks or jwksUri/);
    expect(() => loadIssuerRegistryFile(path.join(dir, "missing.json"))).toThrow(/cannot read trusted issuers file/);
  });
});

describe("npm run token", () => {
  const tsx = path.resolve(import.meta.dirname, "../../node_modules/.bin/tsx");
  const run = (args: string[]) =>
    new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
      const child = spawn(tsx, ["src/cli/token.ts", ...args], { cwd: path.resolve(import.meta.dirname, "../.."), env: { PATH: process.env.PATH, DATA_DIR: dir } });
      let stdout = "";
      let stderr = "";
      child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
      child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
      child.on("exit", (code) => resolve({ code, stdout, stderr }));
    });

  it("lists the demo organizations, one JSON object per line, every kind present", async () => {
    const { code, stdout } = await run(["--list"]);
    expect(code).toBe(0);
    const lines = stdout.trim().split("\n").map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines[0]).toEqual({ org: "QX-MZJ", kind: "CIVIL_AFFAIRS", name: "桥西区民政局(示例)", roles: ["ADMIN", "CASEWORKER", "APPROVER", "AUDITOR"] });
    expect(new Set(lines.map((l) => l.kind)).size).toBe(16);
    expect(lines.every((l) => Object.keys(l).join() === "org,kind,name,roles")).toBe(true);
  });

  it("prints a token and nothing else on stdout; refuses a role the organization lacks", async () => {
    const ok = await run(["--org", "CH-ANKANG", "--role", "STAFF"]);
    expect(ok.code).toBe(0);
    expect(ok.stdout).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+\n$/);
    const bad = await run(["--org", "CH-ANKANG", "--role", "CASEWORKER"]);
    expect(bad.code).toBe(2);
    expect(bad.stdout).toBe("");
    expect(bad.stderr).toMatch(/role CASEWORKER does not exist in CH-ANKANG/);
  });
});
