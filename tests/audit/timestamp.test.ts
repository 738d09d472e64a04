import { execFile, execFileSync, spawnSync } from "node:child_process";
import { X509Certificate } from "node:crypto";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  appendAccessEntries,
  Checkpointer,
  DirectoryCheckpointSink,
  loadCheckpointEvidence,
  loadOrCreateSigningKeyFile,
  reviewCheckpoints,
  rfc3161Timestamper,
  type SignedCheckpoint,
} from "../../src/audit/index.js";
import { checkpointMessage } from "../../src/audit/checkpoint.js";
import { readTimestampToken, timeStampRequest } from "../../src/audit/timestamp.js";
import { openDatabase, type DbHandle } from "../../src/db/client.js";
import { migrateDatabase } from "../../src/db/migrate.js";
import { loadOrCreateDevFieldKeys } from "../../src/privacy/crypto.js";
import { accessEntries } from "./entries.js";

// RFC 3161 time-stamping of checkpoints against a real TSA: `openssl ts -reply` behind a tiny HTTP
// server on 127.0.0.1, with a throwaway CA and a TSA certificate (extendedKeyUsage critical
// timeStamping) made by openssl for this run. The tokens are also checked by `openssl ts -verify`,
// independently of the hub's own parser.

const OPENSSL = spawnSync("openssl", ["version"]).status === 0;
const SKIP_REASON = OPENSSL ? "" : " — SKIPPED: the openssl command is not on PATH (Debian: apt-get install openssl)";
const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const SLOW = 120_000;

function openssl(args: string[], cwd: string): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile("openssl", args, { cwd }, (error, stdout, stderr) => (error ? reject(new Error(`openssl ${args[0]} ${args[1] ?? ""} failed: ${stderr}`)) : resolve(stdout)));
  });
}

/** A CA and a TSA certificate it issued, and the `openssl ts -reply` configuration that signs with it. */
function makeTsa(dir: string, name: string): { caFile: string; tsaCertFile: string; config: string } {
  mkdirSync(dir, { recursive: true });
  const run = (args: string[]) => execFileSync("openssl", args, { cwd: dir, stdio: "pipe" });
  run(["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", "ca.key", "-out", "ca.pem", "-subj", `/CN=${name} CA`, "-days", "2",
    "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign"]);
  run(["req", "-new", "-newkey", "rsa:2048", "-nodes", "-keyout", "tsa.key", "-out", "tsa.csr", "-subj", `/CN=${name} TSA`]);
  writeFileSync(path.join(dir, "tsa.ext"), "basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=critical,timeStamping\n");
  run(["x509", "-req", "-in", "tsa.csr", "-CA", "ca.pem", "-CAkey", "ca.key", "-CAcreateserial", "-out", "tsa.pem", "-days", "2", "-extfile", "tsa.ext"]);
  writeFileSync(path.join(dir, "serial"), "01\n");
  const config = path.join(dir, "tsa.cnf");
  writeFileSync(
    config,
    [
      "[ tsa ]",
      "default_tsa = tsa_config",
      "[ tsa_config ]",
      `dir = ${dir}`,
      "serial = $dir/serial",
      "crypto_device = builtin",
      "signer_cert = $dir/tsa.pem",
      "certs = $dir/tsa.pem",
      "signer_key = $dir/tsa.key",
      "signer_digest = sha256",
      "default_policy = 1.2.3.4.1",
      "other_policies = 1.2.3.4.2",
      "digests = sha256, sha384, sha512",
      "accuracy = secs:1",
      "ordering = no",
      "tsa_name = no",
      "ess_cert_id_chain = no",
      "ess_cert_id_alg = sha256",
      "",
    ].join("\n"),
  );
  return { caFile: path.join(dir, "ca.pem"), tsaCertFile: path.join(dir, "tsa.pem"), config };
}

describe.skipIf(!OPENSSL)(`RFC 3161 time-stamps from a TSA (openssl ts -reply)${SKIP_REASON}`, () => {
  let tmp: string;
  let tsa: ReturnType<typeof makeTsa>;
  let stranger: ReturnType<typeof makeTsa>;
  let server: http.Server;
  let base: string;
  let handle: DbHandle | undefined;
  let sink: DirectoryCheckpointSink;
  let checkpointer: Checkpointer;
  let stamped: SignedCheckpoint;
  /** The first response the TSA sent, replayed by /replay. */
  let firstResponse: Buffer | undefined;
  const received: string[] = [];

  beforeAll(async () => {
    tmp = mkdtempSync(path.join(os.tmpdir(), "audit-tsa-"));
    tsa = makeTsa(path.join(tmp, "tsa"), "Test");
    stranger = makeTsa(path.join(tmp, "stranger"), "Stranger");
    let n = 0;
    server = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on("data", (c: Buffer) => chunks.push(c));
      req.on("end", () => {
        received.push(`${req.method} ${req.url} ${req.headers["content-type"]}`);
        if (req.url === "/fail") return res.writeHead(500).end();
        // A rejection: TimeStampResp { PKIStatusInfo { status rejection(2) } }.
        if (req.url === "/refuse") return res.writeHead(200, { "content-type": "application/timestamp-reply" }).end(Buffer.from("3005300302010" + "2", "hex"));
        if (req.url === "/replay") return res.writeHead(200, { "content-type": "application/timestamp-reply" }).end(firstResponse);
        n += 1;
        const query = path.join(tmp, `q${n}.tsq`);
        const reply = path.join(tmp, `q${n}.tsr`);
        writeFileSync(query, Buffer.concat(chunks));
        execFile("openssl", ["ts", "-reply", "-config", tsa.config, "-queryfile", query, "-out", reply], (error) => {
          if (error) return res.writeHead(500).end();
          const body = readFileSync(reply);
          firstResponse ??= body;
          res.writeHead(200, { "content-type": "application/timestamp-reply" }).end(body);
        });
      });
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

    const dataDir = path.join(tmp, "data");
    handle = await openDatabase({ dataDir });
    await migrateDatabase(handle);
    const db = handle.db;
    await appendAccessEntries(db, accessEntries(2), loadOrCreateDevFieldKeys(dataDir).keys.auditKey);
    sink = new DirectoryCheckpointSink(path.join(tmp, "data-audit", "checkpoints"));
    const key = loadOrCreateSigningKeyFile(path.join(tmp, "data-audit", "signing-key.pem"));
    checkpointer = new Checkpointer({ db, sink, key, timestamper: rfc3161Timestamper({ url: `${base}/tsr` }), now: () => new Date("2025-03-01T08:05:00.000Z") });
    const written = await checkpointer.write();
    expect(written!.timestampError).toBeNull();
    stamped = written!.checkpoint;
  }, SLOW);

  afterAll(async () => {
    await handle?.close();
    await new Promise((resolve) => server?.close(resolve));
    if (tmp) rmSync(tmp, { recursive: true, force: true });
  });

  const anchors = () => [new X509Certificate(readFileSync(tsa.caFile))];

  it("sends a DER TimeStampReq by POST as application/timestamp-query and stores the granted token with the checkpoint", async () => {
    expect(received[0]).toBe("POST /tsr application/timestamp-query");
    expect(stamped.timestamp).toMatch(/^MI/); // a DER SEQUENCE, base64
    expect(await sink.read()).toEqual([{ ref: "checkpoints.jsonl:1", checkpoint: stamped }]);
    // What openssl reads in our request: SHA-256 of the checkpoint, a nonce, the certificate asked for.
    const request = path.join(tmp, "ours.tsq");
    writeFileSync(request, timeStampRequest(checkpointMessage(stamped.content), 7n));
    const text = await openssl(["ts", "-query", "-in", request, "-text"], tmp);
    expect(text).toContain("Hash Algorithm: sha256");
    expect(text).toContain("Nonce: 0x07");
    expect(text).toContain("Certificate required: yes");
  });

  it("verifies the token's imprint and its signature by the TSA certificate chaining to the configured CA — and so does openssl", async () => {
    const token = Buffer.from(stamped.timestamp!, "base64");
    const genTime = readTimestampToken(token).genTime;
    const [review] = reviewCheckpoints({ ...(await loadCheckpointEvidence(sink)), tsaTrustAnchors: anchors() });
    expect(review).toEqual({ ref: "checkpoints.jsonl:1", checkpoint: stamped, problem: null, reason: null, timestampedAt: genTime.toISOString(), timestampSignatureChecked: true });

    // openssl's own reading of the same token: the same time, and a verification that succeeds.
    writeFileSync(path.join(tmp, "token.der"), token);
    writeFileSync(path.join(tmp, "checkpoint.msg"), checkpointMessage(stamped.content));
    const text = await openssl(["ts", "-reply", "-in", "token.der", "-token_in", "-text", "-token_out"], tmp);
    const shown = /Time stamp: (.+) GMT/.exec(text)![1]!;
    expect(new Date(`${shown} UTC`).toISOString()).toBe(genTime.toISOString());
    const verified = await openssl(["ts", "-verify", "-data", "checkpoint.msg", "-in", "token.der", "-token_in", "-CAfile", tsa.caFile, "-untrusted", tsa.tsaCertFile], tmp);
    expect(verified.trim()).toBe("Verification: OK");
  });

  it("without trust anchors checks the imprint only, and says so", async () => {
    const [review] = reviewCheckpoints(await loadCheckpointEvidence(sink));
    expect(review).toMatchObject({ problem: null, timestampSignatureChecked: false, timestampedAt: expect.stringMatching(/^\d{4}-/) });
  });

  it("reports a token moved from another checkpoint, a token by a TSA of another CA, and a token with a broken signature", async () => {
    const later = new Checkpointer({ db: handle!.db, sink: new DirectoryCheckpointSink(path.join(tmp, "other")), key: loadOrCreateSigningKeyFile(path.join(tmp, "data-audit", "signing-key.pem")), timestamper: rfc3161Timestamper({ url: `${base}/tsr` }), now: () => new Date("2025-03-01T08:10:00.000Z") });
    const other = (await later.write())!.checkpoint;
    expect(other.timestamp).not.toBeNull();
    const moved = { ...stamped, timestamp: other.timestamp };
    const broken = Buffer.from(stamped.timestamp!, "base64");
    broken[broken.length - 1]! ^= 1; // the last byte of the signer info's signature
    const publicKeys = await sink.publicKeys();
    const review = (checkpoint: SignedCheckpoint, tsaTrustAnchors = anchors()) =>
      reviewCheckpoints({ checkpoints: [{ ref: "checkpoints.jsonl:9", checkpoint }], publicKeys, tsaTrustAnchors }).map((r) => [r.problem, r.reason]);
    expect(review(moved)).toEqual([["CHECKPOINT_TIMESTAMP_INVALID", "the token's message imprint is not the checkpoint's SHA-256"]]);
    expect(review(moved, [])).toEqual([["CHECKPOINT_TIMESTAMP_INVALID", "the token's message imprint is not the checkpoint's SHA-256"]]);
    expect(review(stamped, [new X509Certificate(readFileSync(stranger.caFile))])).toEqual([
      ["CHECKPOINT_TIMESTAMP_INVALID", "the token's signer does not chain to a trusted TSA certificate"],
    ]);
    expect(review({ ...stamped, timestamp: broken.toString("base64") })).toEqual([
      ["CHECKPOINT_TIMESTAMP_INVALID", "the token's signature does not verify under any certificate it carries or the verifier trusts"],
    ]);
    expect(review({ ...stamped, timestamp: Buffer.from("not DER").toString("base64") })[0]![0]).toBe("CHECKPOINT_TIMESTAMP_INVALID");
  });

  it("writes the checkpoint without a time-stamp, saying why, when the TSA fails, refuses, replays an old token or cannot be reached", async () => {
    const outcome = async (url: string) => {
      const c = new Checkpointer({ db: handle!.db, sink: new DirectoryCheckpointSink(path.join(tmp, "failing")), key: loadOrCreateSigningKeyFile(path.join(tmp, "data-audit", "signing-key.pem")), timestamper: rfc3161Timestamper({ url, timeoutMs: 5_000 }) });
      const written = (await c.write())!;
      return [written.checkpoint.timestamp, written.timestampError];
    };
    expect(await outcome(`${base}/fail`)).toEqual([null, "the TSA answered HTTP 500"]);
    expect(await outcome(`${base}/refuse`)).toEqual([null, "the TSA refused the request (PKIStatus 2)"]);
    expect(await outcome(`${base}/replay`)).toEqual([null, "the TSA's token stamps another message"]);
    const closed = http.createServer();
    await new Promise<void>((resolve) => closed.listen(0, "127.0.0.1", resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    expect(await outcome(`http://127.0.0.1:${port}/tsr`)).toEqual([null, "the TSA cannot be reached (ECONNREFUSED)"]);
  });

  it("npm run audit:verify shows the TSA's time when given the TSA's CA (AUDIT_TSA_CA_FILE)", async () => {
    const dataDir = path.join(tmp, "data");
    // The CLI opens the embedded database itself: release it first.
    await handle!.close();
    handle = undefined;
    // Only the time-stamped checkpoint, and the key it was signed with.
    writeFileSync(path.join(sink.location, "checkpoints.jsonl"), `${JSON.stringify(stamped)}\n`);
    const genTime = readTimestampToken(Buffer.from(stamped.timestamp!, "base64")).genTime.toISOString();
    const run = await new Promise<{ code: number; stdout: string; stderr: string }>((resolve) =>
      execFile(path.join(ROOT, "node_modules/.bin/tsx"), [path.join(ROOT, "src/cli/audit-verify.ts")], { cwd: ROOT, env: { PATH: process.env.PATH ?? "", DATA_DIR: dataDir, AUDIT_TSA_CA_FILE: tsa.caFile } }, (error, stdout, stderr) =>
        resolve({ code: error ? Number(error.code) : 0, stdout, stderr }),
      ),
    );
    const [access, change] = stamped.content.heads;
    expect(run).toEqual({
      code: 0,
      stdout:
        `access_log: ok, 2 entries, head seq 2 ${access!.lastHash}, checkpoint seq 2 of 2025-03-01T08:05:00.000Z, time-stamped ${genTime} (checkpoints.jsonl:1)\n` +
        `change_log: ok, 0 entries, empty, checkpoint seq 0 of 2025-03-01T08:05:00.000Z, time-stamped ${genTime} (checkpoints.jsonl:1)\n` +
        `checkpoints: 1 in ${sink.location}, all valid\n`,
      stderr: "",
    });
    expect(change!.lastSeq).toBe(0);
  }, SLOW);
});
