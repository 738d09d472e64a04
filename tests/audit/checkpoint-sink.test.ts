import { appendFileSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { CHECKPOINT_FILE, DirectoryCheckpointSink, GENESIS_HASH, PUBLIC_KEY_FOLDER, signCheckpoint } from "../../src/audit/index.js";
import { generateCheckpointKeyPem, publicKeyPem, signingKeyFromPem } from "../../src/audit/checkpoint.js";

// The directory sink: one JSON line per checkpoint, appended; the public keys beside them.

const tmp = mkdtempSync(path.join(os.tmpdir(), "checkpoint-sink-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const key = signingKeyFromPem(generateCheckpointKeyPem());
const checkpointAt = (seq: number, at: string) =>
  signCheckpoint({
    heads: [
      { stream: "access_log", lastSeq: seq, lastHash: "c".repeat(64) },
      { stream: "change_log", lastSeq: 0, lastHash: GENESIS_HASH },
    ],
    at: new Date(at),
    key,
  });

describe("a checkpoint directory", () => {
  it("appends one line per checkpoint and reads them back in order, each with where it is", async () => {
    const dir = path.join(tmp, "appends", "checkpoints");
    const sink = new DirectoryCheckpointSink(dir);
    expect(await sink.read()).toEqual([]);
    const first = checkpointAt(3, "2025-03-01T08:00:00.000Z");
    const second = { ...checkpointAt(5, "2025-03-01T08:05:00.000Z"), timestamp: "MIIB" };
    // Concurrent appends from one process are serialized, never interleaved.
    await Promise.all([sink.append(first), sink.append(second)]);
    expect(await sink.read()).toEqual([
      { ref: "checkpoints.jsonl:1", checkpoint: first },
      { ref: "checkpoints.jsonl:2", checkpoint: second },
    ]);
    const lines = readFileSync(path.join(dir, CHECKPOINT_FILE), "utf8").split("\n");
    expect(lines).toEqual([JSON.stringify(first), JSON.stringify(second), ""]);
  });

  it("reads a line that is not a checkpoint as malformed, keeping its line number", async () => {
    const dir = path.join(tmp, "garbage");
    const sink = new DirectoryCheckpointSink(dir);
    const good = checkpointAt(1, "2025-03-01T08:00:00.000Z");
    await sink.append(good);
    appendFileSync(path.join(dir, CHECKPOINT_FILE), '{"content":\n\n{"content":{},"signature":"x","timestamp":null}\n');
    await sink.append(good);
    expect(await sink.read()).toEqual([
      { ref: "checkpoints.jsonl:1", checkpoint: good },
      { ref: "checkpoints.jsonl:2", checkpoint: null },
      { ref: "checkpoints.jsonl:4", checkpoint: null },
      { ref: "checkpoints.jsonl:5", checkpoint: good },
    ]);
  });

  it("publishes a public key once, named by its key id, and trusts keys by the id computed from each", async () => {
    const dir = path.join(tmp, "keys");
    const sink = new DirectoryCheckpointSink(dir);
    expect((await sink.publicKeys()).size).toBe(0);
    await sink.publishPublicKey(key.publicKey);
    const file = path.join(dir, PUBLIC_KEY_FOLDER, `${key.keyId}.pem`);
    const mtime = statSync(file).mtimeMs;
    await sink.publishPublicKey(key.publicKey);
    expect(statSync(file).mtimeMs).toBe(mtime);
    expect(readFileSync(file, "utf8")).toBe(publicKeyPem(key.publicKey));
    expect(readdirSync(path.join(dir, PUBLIC_KEY_FOLDER))).toEqual([`${key.keyId}.pem`]);

    // A key under a misleading name is known by its own id; a file that is no Ed25519 public key trusts nothing.
    const other = signingKeyFromPem(generateCheckpointKeyPem());
    writeFileSync(path.join(dir, PUBLIC_KEY_FOLDER, `${key.keyId}-copy.pem`), publicKeyPem(other.publicKey));
    writeFileSync(path.join(dir, PUBLIC_KEY_FOLDER, "private.pem"), generateCheckpointKeyPem());
    writeFileSync(path.join(dir, PUBLIC_KEY_FOLDER, "notes.txt"), "not a key");
    const keys = await sink.publicKeys();
    expect([...keys.keys()].sort()).toEqual([key.keyId, other.keyId].sort());
    expect(publicKeyPem(keys.get(other.keyId)!)).toBe(publicKeyPem(other.publicKey));
  });
});
